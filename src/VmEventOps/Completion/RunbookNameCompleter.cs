using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;
using VmEventOps.Engine.Completion;

namespace VmEventOps.Completion;

/// <summary>
/// Completes -RunbookName with the runbooks of the Automation account (-AutomationAccountId, or the AutomationAccountId
/// setting): names starting with the word typed, at most 100; listed within 3 s and kept for a minute; nothing when ARM
/// cannot be read.
/// </summary>
public sealed class RunbookNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Complete(fakeBoundParameters, CompletionContext.Word(wordToComplete));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IEnumerable<CompletionResult> Complete(IDictionary fakeBoundParameters, string word)
    {
        var request = CompletionContext.Request(fakeBoundParameters, "AutomationAccountId");
        var runbooks = Task.Run(() => Engine.Completion.RunbookNameSource.RunbooksAsync(request, word, CancellationToken.None)).GetAwaiter().GetResult();
        return runbooks.Select(r => CompletionContext.Result(r.Name, string.Join(", ", new[] { r.RunbookType, r.State }.Where(t => !string.IsNullOrEmpty(t))) is { Length: > 0 } about
            ? $"{r.Name} ({about})"
            : r.Name)).ToArray();
    }
}
