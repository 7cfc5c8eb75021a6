using Azure.Identity;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Identity;

/// <summary>Turns credential failures into errors with stable ids; the token text never reaches a message.</summary>
internal static class IdentityFailure
{
    /// <summary>True for a failure that means "this credential cannot work here", so the next one may be tried.</summary>
    public static bool IsUnavailable(Exception exception) => exception is CredentialUnavailableException
        || (exception is AuthenticationFailedException && exception.InnerException is HttpRequestException or TaskCanceledException or TimeoutException);

    /// <summary>First line of the message, secrets masked.</summary>
    public static string Describe(Exception exception)
    {
        var text = exception.Message.Split('\n', 2)[0].Trim();
        return SecretRedactor.PatternsOnly.Redact(text.Length > 400 ? text[..400] + "..." : text);
    }

    public static VmEventOpsException Unavailable(string scope, IEnumerable<(AuthMode Mode, string Why)> attempts, Exception? inner) => new(
        ErrorIds.AuthUnavailable,
        VmErrorCategory.AuthenticationError,
        $"No credential could get a token for {scope}. Tried: {string.Join("; ", attempts.Select(a => $"{a.Mode}: {a.Why}"))}. Set AuthMode and the settings it needs (see about_VmEventOps).",
        scope,
        inner);

    public static VmEventOpsException Failed(AuthMode mode, string scope, Exception inner) => new(
        ErrorIds.AuthFailed,
        VmErrorCategory.AuthenticationError,
        $"{mode} could not get a token for {scope}: {Describe(inner)}",
        scope,
        inner);
}
