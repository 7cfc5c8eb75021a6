using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Dashboard;

/// <summary>
/// The dashboard's UI: the files of one folder (HTML, CSS, JavaScript, SVG), read once at start, served by name only
/// (no path is ever joined from a request). Shared by the local server and the Function app's UI route.
/// </summary>
public sealed class StaticFiles
{
    /// <summary>Scripts and styles from the UI's own origin only; nothing inline, nothing framed, no form posts elsewhere.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".ico"] = "image/x-icon",
    };

    private readonly Dictionary<string, StaticFile> _files;

    private StaticFiles(Dictionary<string, StaticFile> files) => _files = files;

    /// <summary>The files of <paramref name="folder"/> (one level, known types only).</summary>
    public static StaticFiles Load(string folder)
    {
        if (!File.Exists(Path.Combine(folder, "index.html")))
        {
            throw new VmEventOpsException(ErrorIds.Unexpected, VmErrorCategory.ObjectNotFound, $"The dashboard's files are not in {folder} (index.html is missing).", folder);
        }

        var files = new Dictionary<string, StaticFile>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            if (Types.TryGetValue(Path.GetExtension(path), out var type)) files[Path.GetFileName(path)] = new StaticFile(type, File.ReadAllBytes(path));
        }

        return new StaticFiles(files);
    }

    /// <summary>The file a request path names (<c>/</c> is index.html), or null.</summary>
    public StaticFile? Find(string path)
    {
        var name = path.TrimStart('/');
        if (name.Length == 0) name = "index.html";
        return _files.GetValueOrDefault(name);
    }
}
