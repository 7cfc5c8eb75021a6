using System.Diagnostics;
using Azure;

namespace VmEventOps.Engine.Errors;

/// <summary>
/// The one place that says what a failure is: an HTTP status (of ARM, Automation, Storage, Key Vault) or an exception
/// becomes a category and whether trying again later may succeed. ARM, the Azure SDK wrappers and the workflow all ask here.
/// </summary>
public static class FailureClassifier
{
    /// <summary>The category of an HTTP status (0: no response at all) and whether a later attempt may succeed.</summary>
    public static (VmErrorCategory Category, bool IsTransient) ForStatus(int status) => status switch
    {
        0 => (VmErrorCategory.ConnectionError, true),
        401 => (VmErrorCategory.AuthenticationError, false),
        403 => (VmErrorCategory.PermissionDenied, false),
        404 => (VmErrorCategory.ObjectNotFound, false),
        408 => (VmErrorCategory.OperationTimeout, true),
        409 or 412 => (VmErrorCategory.InvalidOperation, false),
        429 => (VmErrorCategory.LimitsExceeded, true),
        >= 500 => (VmErrorCategory.ResourceUnavailable, true),
        _ => (VmErrorCategory.InvalidOperation, false),
    };

    /// <summary>
    /// Any exception as a failure: ours as raised; an unforeseen one as <see cref="ErrorIds.Unexpected"/>, transient when
    /// it is one of the way to a service (a request failure of the SDK that reached here unwrapped counts as one).
    /// The text is masked of known secrets where it is rendered (see Workflow.OutcomeRouter).
    /// </summary>
    public static Failure Classify(Exception exception) => exception switch
    {
        VmEventOpsException known => Failure.Of(known),
        _ when IsRequestNotBuilt(exception) => new Failure(ErrorIds.InvalidSettingValue, VmErrorCategory.InvalidArgument, false, null,
            $"A request could not be built from the settings ({exception.GetType().Name}): an endpoint (StorageConnectionString, a service URI, ArmEndpoint) is not valid."),
        _ => new Failure(ErrorIds.Unexpected, VmErrorCategory.NotSpecified,
            IsWayToService(exception) || AsRequestFailure(exception) is not null,
            null, exception.Message),
    };

    /// <summary>
    /// True when no step foresaw the failure and it is the message's own (a bug its bytes found): an error with an id of its
    /// own (storage, identity, settings) is the environment's, and a transient one leaves the message for redelivery, as
    /// does a stop (<paramref name="stopping"/>).
    /// </summary>
    public static bool IsUnforeseen(Exception exception, bool stopping) => exception switch
    {
        _ when stopping => false,
        _ when IsWayToService(exception) => false,
        _ when IsRequestNotBuilt(exception) => false,
        VmEventOpsException known => known.ErrorId == ErrorIds.Unexpected && !known.IsTransient,
        _ => AsRequestFailure(exception) is null,
    };

    /// <summary>
    /// The request failure inside <paramref name="exception"/>: itself, or the last attempt's when the SDK's retry policy
    /// gave up with an AggregateException of them; null for anything else.
    /// </summary>
    public static RequestFailedException? AsRequestFailure(Exception exception) => exception switch
    {
        RequestFailedException failure => failure,
        AggregateException { InnerExceptions.Count: > 0 } aggregate => aggregate.InnerExceptions[^1] as RequestFailedException,
        _ => null,
    };

    /// <summary>
    /// True for a FormatException an Azure SDK raised while it built a request from the settings (an endpoint the SDK
    /// took at construction and cannot turn into a request URI): the settings' fault, never the message's. Its text may
    /// quote the endpoint (a password in it), so only its type is kept.
    /// </summary>
    public static bool IsRequestNotBuilt(Exception exception) =>
        exception is FormatException && new StackTrace(exception, false).GetFrames()
            .Any(f => f.GetMethod()?.DeclaringType?.Namespace is { } ns && (ns == "Azure" || ns.StartsWith("Azure.", StringComparison.Ordinal)));

    // A timeout, a stop or a dropped connection: a failure of the way to a service, not of the request.
    private static bool IsWayToService(Exception exception) =>
        exception is OperationCanceledException or TimeoutException or HttpRequestException or IOException;
}
