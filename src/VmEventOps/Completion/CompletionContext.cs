using System.Collections;
using System.Management.Automation;
using VmEventOps.Engine.Configuration;

namespace VmEventOps.Completion;

/// <summary>What a completer knows of the command line being completed: the settings it would load, and the word so far.</summary>
internal static class CompletionContext
{
    /// <summary>
    /// The configuration request of the command being completed: its -SettingsPath and -Environment, from the current
    /// location, and the values already typed for the parameters named in <paramref name="settings"/> (each named as its setting).
    /// </summary>
    public static ConfigurationRequest Request(IDictionary fakeBoundParameters, params string[] settings) => new()
    {
        SettingsPath = fakeBoundParameters["SettingsPath"] as string,
        Environment = fakeBoundParameters["Environment"] as string,
        BaseDirectory = CurrentDirectory(),
        Parameters = settings.Where(s => fakeBoundParameters[s] is string { Length: > 0 })
            .Aggregate(new SettingOverrides(), (layer, s) => layer.SetText(s, (string)fakeBoundParameters[s]!)),
    };

    /// <summary>The word typed so far, without the quotes PowerShell leaves on it.</summary>
    public static string Word(string wordToComplete) => wordToComplete.Trim('\'', '"');

    /// <summary>A completion of <paramref name="text"/>, quoted when it needs to be.</summary>
    public static CompletionResult Result(string text, string? tooltip = null)
    {
        var needsQuotes = text.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or '(' or ')' or ';' or ',' or '&' or '{' or '}' or '@' or '#');
        var completion = needsQuotes ? "'" + text.Replace("'", "''") + "'" : text;
        return new CompletionResult(completion, text, CompletionResultType.ParameterValue, tooltip ?? text);
    }

    private static string CurrentDirectory()
    {
        try
        {
            // The runspace completing may be any of several: its file system location is the one the command would use.
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            var path = shell.AddCommand("Get-Location").AddParameter("PSProvider", "FileSystem").Invoke<PathInfo>().FirstOrDefault();
            return path?.ProviderPath ?? System.Environment.CurrentDirectory;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return System.Environment.CurrentDirectory;
        }
    }
}
