using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Api;

/// <summary>
/// The API's answer: an HTTP status and a JSON body. A failure of ours carries the exception for the host's log (never
/// in the body) and the correlation id that the body and the log share.
/// </summary>
public sealed record ApiResponse(int Status, string Body)
{
    /// <summary>The content type of every answer.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>The ErrorId of an error answer, or null.</summary>
    public string? ErrorId { get; init; }

    /// <summary>The failure behind a 500, for the host's log only.</summary>
    public Exception? Failure { get; init; }

    /// <summary>The correlation id of a 500: in the body and in the log.</summary>
    public string? CorrelationId { get; init; }
}
