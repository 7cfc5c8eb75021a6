using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Configuration;

/// <summary>
/// Attacks the loader's input paths as an attacker and a careless operator would: every setting of the catalog gets
/// malformed values (random Unicode with broken surrogates, control characters, byte order marks, huge lengths, zero,
/// negative and huge numbers and durations, user:password@ URIs, Key Vault references to anywhere) through each layer
/// (settings file, environment, parameters). The loader answers with a configuration or a stable VmConfig* /
/// VmKeyVault* error, never another exception; and no secret setting's value, nor a URI's user information, is in an
/// error's message, in the text of its whole chain, in what the settings view shows, or in the log.
/// </summary>
public sealed class ConfigurationLoaderPropertyTests : IDisposable
{
    private const string Marker = "Pl4ntedXq";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private enum Layer
    {
        File,
        FileWithBom,
        FileAsUtf16,
        Environment,
        Parameter,
    }

    private static Gen<string> Hostile()
    {
        var unicode = ArbMap.Default.GeneratorFor<string>().Select(s => (s ?? string.Empty) + Marker);
        var brokenSurrogates = Gen.Elements("\uD800", "\uDC00", "x\uDBFF", "\uDFFFy").Select(s => Marker + s);
        var controls = Gen.Elements("\u0000", "\u0007", "\r\n", "\u001b[31m", "\t", "\u0085", "\u2028").Select(c => Marker + c + "tail");
        var boms = Gen.Elements("\uFEFF", "\uFEFF\uFEFF", "\uFFFE").Select(b => b + Marker);
        var huge = Gen.Elements(5_000, 70_000, 300_000).Select(n => Marker + new string('x', n));
        var numbers = Gen.Elements("0", "-1", "-0", "2147483648", "-2147483649", "99999999999999999999", "1e309", "NaN", "Infinity", "0x10", "1,5", "٣", "+5", " 1 ");
        var durations = Gen.Elements(
            "-00:00:01", "00:00:00", "00:00:00.1", "10675199.02:48:05.4775807", "-10675199.02:48:05.4775808", "99999999.00:00:00", "7.00:00:00.001",
            "8.00:00:00", "1.5", "P1D", "24:00:00", "00:60:00", "2147483647", "-2147483648");
        var uris = Gen.Elements(
            $"https://user:{Marker}@host.example/", $"http://{Marker}@127.0.0.1:1/", $"https://:{Marker}@h.example/", $"ftp://u:{Marker}@x.example/",
            $"https://u:{Marker}{new string('a', 120)}@long.example/", $"https://u:{Marker}@", $"user:{Marker}@host", $"https://u%3A{Marker}@h.example/",
            $"https://admin:{Marker}@management.azure.com/", $"https://u:{Marker}@[::1]:8443/");
        var references = Gen.Elements(
            $"@Microsoft.KeyVault({Marker})", $"@Microsoft.KeyVault(SecretUri=https://u:{Marker}@kv.vault.azure.net/secrets/a)",
            $"@Microsoft.KeyVault(SecretUri=https://evil.example.test/secrets/a{Marker})", $"@Microsoft.KeyVault(VaultName={Marker};SecretName=x)",
            $"@Microsoft.KeyVault(SecretUri=https://kv1.vault.azure.net.evil.example.test/secrets/{Marker})", "@Microsoft.KeyVault(SecretUri=https://127.0.0.1:1/secrets/a)",
            $"@Microsoft.KeyVault(VaultName=kv-ok;SecretName=a;SecretVersion={Marker}!)", $"@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/a;{Marker}=1)",
            $"@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/{Marker}", "@Microsoft.KeyVault(");
        var shapes = Gen.Elements("[1,2]", "{\"a\":1}", "null", "true", "\"\"", "", " ", ",", ",,,", "*,*", $"{Marker},{Marker}", $"AccountKey={Marker};AccountName=x");
        return Gen.OneOf(unicode, brokenSurrogates, controls, boms, huge, numbers, durations, uris, references, shapes);
    }

    private static Arbitrary<(SettingDefinition Setting, string Value, Layer Layer)> Inputs() =>
        (from setting in Gen.Elements(SettingsCatalog.All.ToArray())
         from value in Hostile()
         from layer in Gen.Elements(Enum.GetValues<Layer>())
         select (setting, value, layer)).ToArbitrary();

    [Property(MaxTest = 600)]
    public Property Load_AnyHostileValueOfAnySettingInAnyLayer_ShouldAnswerWithAStableIdAndShowNoSecret() =>
        Prop.ForAll(Inputs(), input => Check(input.Setting, input.Value, input.Layer));

    [Fact]
    public void Load_EverySettingWithEveryKindOfHostileValue_ShouldAnswerWithAStableIdAndShowNoSecret()
    {
        // The same, exhaustively over the catalog for a fixed set of values (the property test samples the rest).
        string[] values =
        [
            $"https://user:{Marker}@host.example/", $"{Marker}\uD800", $"\uFEFF{Marker}", $"{Marker}\u0000", Marker + new string('y', 70_000), "-1", "0",
            "10675199.02:48:05.4775807", $"@Microsoft.KeyVault({Marker})", $"@Microsoft.KeyVault(SecretUri=https://evil.example.test/secrets/{Marker})",
        ];
        foreach (var setting in SettingsCatalog.All)
        {
            foreach (var value in values)
            {
                foreach (var layer in Enum.GetValues<Layer>()) Check(setting, value, layer);
            }
        }
    }

    private void Check(SettingDefinition setting, string value, Layer layer)
    {
        var log = new RecordingHostLog();
        var environment = new Hashtable();
        var request = new ConfigurationRequest();
        switch (layer)
        {
            case Layer.Environment:
                environment[setting.EnvironmentVariable] = value;
                break;
            case Layer.Parameter:
                request = request with { Parameters = new SettingOverrides().SetText(setting, value) };
                break;
            default:
                var path = Path.Combine(_temp.Path, Guid.NewGuid().ToString("n") + ".json");
                var json = $"{{ \"{setting.Name}\": \"{Escape(value)}\" }}";
                var bytes = layer switch
                {
                    Layer.FileWithBom => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(json)],
                    Layer.FileAsUtf16 => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(json)],
                    _ => Encoding.UTF8.GetBytes(json),
                };
                File.WriteAllBytes(path, bytes);
                request = request with { SettingsPath = path };
                break;
        }

        var where = $"{setting.Name} in {layer}";
        try
        {
            var configuration = new ConfigurationLoader(log, () => environment).Load(request);
            var shown = string.Join("\n", configuration.Settings.Select(s => s.Value + " " + s.KeyVaultSecret)) + "\n" + log.AllText;
            AssertHidden(setting, value, shown, where + " (accepted)");
        }
        catch (VmEventOpsException e)
        {
            Assert.True(e.ErrorId.StartsWith("VmConfig", StringComparison.Ordinal) || e.ErrorId.StartsWith("VmKeyVault", StringComparison.Ordinal), $"{where}: {e.ErrorId}");
            Assert.NotEqual(ErrorIds.Unexpected, e.ErrorId);
            AssertHidden(setting, value, e.Message + "\n" + e + "\n" + log.AllText, where + $" ({e.ErrorId})");
        }
    }

    // A secret setting's value, and the user information of a URI in any setting, are never shown. A well-formed Key Vault
    // reference names a secret and is no secret: its vault and secret name are shown (KeyVault(vault/name)), never the text.
    private static void AssertHidden(SettingDefinition setting, string value, string text, string where)
    {
        var userInfo = Regex.IsMatch(value, "://[^/?#@\\s]*" + Marker);
        var reference = Engine.Configuration.KeyVaultReference.TryParse(value, out _, out _);
        if (setting.IsSecret && value.Contains(Marker, StringComparison.Ordinal))
        {
            Assert.False(text.Contains(value.Trim(), StringComparison.Ordinal), $"{where}: the secret value is shown in: {Excerpt(text)}");
        }

        if (((setting.IsSecret && !reference) || userInfo) && value.Contains(Marker, StringComparison.Ordinal))
        {
            Assert.False(text.Contains(Marker, StringComparison.Ordinal), $"{where}: the planted value is shown in: {Excerpt(text)}");
        }
    }

    private static string Excerpt(string text)
    {
        var at = text.IndexOf(Marker, StringComparison.Ordinal);
        return text.Substring(Math.Max(0, at - 200), Math.Min(400, text.Length - Math.Max(0, at - 200)));
    }

    // JSON string escapes for every character outside printable ASCII, so broken surrogates reach the reader as \uD800.
    private static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (c is '"' or '\\') builder.Append('\\').Append(c);
            else if (c < ' ' || c > '~') builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else builder.Append(c);
        }

        return builder.ToString();
    }
}
