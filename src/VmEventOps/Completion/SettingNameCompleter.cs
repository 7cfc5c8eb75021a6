using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;
using VmEventOps.Engine.Completion;
using VmEventOps.Engine.Configuration;

namespace VmEventOps.Completion;

/// <summary>Completes setting names (Get-VmEventConfiguration -Name) from the settings catalog, with each one's description.</summary>
public sealed class SettingNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Complete(CompletionContext.Word(wordToComplete));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IEnumerable<CompletionResult> Complete(string word) =>
        Engine.Completion.CompletionSource.SettingNames(word)
            .Select(name => CompletionContext.Result(name, Engine.Configuration.SettingsCatalog.Find(name)?.Description))
            .ToArray();
}
