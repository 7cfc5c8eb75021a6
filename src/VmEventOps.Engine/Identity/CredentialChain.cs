using Azure.Core;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Identity;

/// <summary>
/// Tries credentials in order until one gives a token, and remembers which one did (like
/// DefaultAzureCredential, but it says which mode answered). A credential that cannot work here
/// (no environment for it) passes to the next; any other failure of the chosen one is reported as is.
/// With nothing left, one error lists every attempt and why it failed.
/// </summary>
internal sealed class CredentialChain(IReadOnlyList<CredentialOption> options) : TokenCredential
{
    private CredentialOption? _selected;

    /// <summary>The mode that answered last; null before the first token.</summary>
    public AuthMode? Selected => Volatile.Read(ref _selected)?.Mode;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var scope = string.Join(" ", requestContext.Scopes);
        if (Volatile.Read(ref _selected) is { } selected) return await Get(selected, requestContext, scope, cancellationToken).ConfigureAwait(false);

        var attempts = new List<(AuthMode, string)>();
        Exception? last = null;
        foreach (var option in options)
        {
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (option.Timeout is { } timeout) limit.CancelAfter(timeout);
                var token = await option.Credential.GetTokenAsync(requestContext, limit.Token).ConfigureAwait(false);
                Volatile.Write(ref _selected, option);
                return token;
            }
            catch (Exception e) when (IdentityFailure.IsUnavailable(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                attempts.Add((option.Mode, e is OperationCanceledException ? $"no answer within {option.Timeout?.TotalSeconds:0} s" : IdentityFailure.Describe(e)));
                last = e;
            }
            catch (Exception e) when (e is not OperationCanceledException and not Errors.VmEventOpsException)
            {
                throw IdentityFailure.Failed(option.Mode, scope, e);
            }
        }

        throw IdentityFailure.Unavailable(scope, attempts, last);
    }

    private static async ValueTask<AccessToken> Get(CredentialOption option, TokenRequestContext context, string scope, CancellationToken cancellationToken)
    {
        try
        {
            return await option.Credential.GetTokenAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not Errors.VmEventOpsException)
        {
            throw IdentityFailure.Failed(option.Mode, scope, e);
        }
    }
}

/// <summary>One credential of a chain: the mode it stands for, and how long it may take to say whether it works here.</summary>
internal sealed record CredentialOption(AuthMode Mode, TokenCredential Credential, TimeSpan? Timeout = null);
