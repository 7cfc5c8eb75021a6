using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;
using VmEventOps.Engine.Completion;

namespace VmEventOps.Completion;

/// <summary>
/// Completes -VmResourceId with the VMs the onboarding state table knows (those containing the word typed, at most 100;
/// read within 3 s and kept for 30 s; nothing when storage cannot be read).
/// </summary>
public sealed class VmResourceIdCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Complete(fakeBoundParameters, CompletionContext.Word(wordToComplete));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IEnumerable<CompletionResult> Complete(IDictionary fakeBoundParameters, string word)
    {
        var request = CompletionContext.Request(fakeBoundParameters);
        var ids = Task.Run(() => Engine.Completion.CompletionSource.VmResourceIdsAsync(request, word, CancellationToken.None)).GetAwaiter().GetResult();
        return ids.Select(id => CompletionContext.Result(id, id[(id.LastIndexOf('/') + 1)..])).ToArray();
    }
}
