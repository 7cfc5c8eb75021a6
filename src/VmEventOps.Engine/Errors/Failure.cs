
namespace VmEventOps.Engine.Errors;

/// <summary>
/// What went wrong, as the workflow decides on it: the error id of the catalog, the category, whether a later attempt may
/// succeed, how long the service asked to wait, and the text (already free of secrets the engine knows of).
/// </summary>
public sealed record Failure(string ErrorId, VmErrorCategory Category, bool IsTransient, TimeSpan? RetryAfter, string Message)
{
    /// <summary>A service said to come back later (throttling, or a Retry-After longer than a request could wait).</summary>
    public bool IsThrottled => ErrorId == ErrorIds.ArmThrottled;

    /// <summary>The failure an error of ours describes.</summary>
    public static Failure Of(VmEventOpsException error) => new(error.ErrorId, error.Category, error.IsTransient, error.RetryAfter, error.Message);
}
