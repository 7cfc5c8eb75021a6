using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;
using VmEventOps.Engine.Completion;

namespace VmEventOps.Completion;

/// <summary>Completes -Environment with the environment sections of the settings file (-SettingsPath, or VMEVENTOPS_SETTINGS).</summary>
public sealed class EnvironmentNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Complete(fakeBoundParameters, CompletionContext.Word(wordToComplete));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IEnumerable<CompletionResult> Complete(IDictionary fakeBoundParameters, string word) =>
        Engine.Completion.CompletionSource.EnvironmentNames(CompletionContext.Request(fakeBoundParameters), word)
            .Select(name => CompletionContext.Result(name, $"Environment section {name} of the settings file"))
            .ToArray();
}
