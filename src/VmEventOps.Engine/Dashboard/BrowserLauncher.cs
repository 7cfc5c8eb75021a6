using System.Diagnostics;
using System.Net;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.Dashboard;

/// <summary>
/// Opens the dashboard in the user's default browser. The URL carries the access token, and a process's command line is
/// readable by every local user (ps, /proc): so the browser is handed a file only this user can read, which forwards to
/// the URL, never the URL itself. The file is removed once the browser had time to read it.
/// </summary>
public static class BrowserLauncher
{
    private static readonly TimeSpan KeepLauncherFor = TimeSpan.FromSeconds(60);

    /// <summary>True when a browser was started.</summary>
    public static bool TryOpen(string url, IHostLog log)
    {
        string? launcher = null;
        try
        {
            launcher = WriteLauncher(url);
            using var process = Process.Start(new ProcessStartInfo(launcher) { UseShellExecute = true });
            _ = RemoveLaterAsync(launcher);
            return true;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or PlatformNotSupportedException or IOException or UnauthorizedAccessException)
        {
            if (launcher is not null) TryDelete(launcher);
            log.Warning($"No browser could be opened ({e.GetType().Name}): open the dashboard's URL yourself.");
            return false;
        }
    }

    /// <summary>Writes the forwarding page (readable by this user only) and returns its path.</summary>
    internal static string WriteLauncher(string url)
    {
        var path = Path.Combine(Path.GetTempPath(), $"vmeventops-dashboard-{Guid.NewGuid():n}.html");
        var page = $"<!DOCTYPE html><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\"><meta http-equiv=\"refresh\" content=\"0;url={WebUtility.HtmlEncode(url)}\"><title>VmEventOps dashboard</title>";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(path, options))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(page);
        }

        return path;
    }

    private static async Task RemoveLaterAsync(string path)
    {
        await Task.Delay(KeepLauncherFor).ConfigureAwait(false);
        TryDelete(path);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary file left behind holds a token that stops working when the dashboard stops.
        }
    }
}
