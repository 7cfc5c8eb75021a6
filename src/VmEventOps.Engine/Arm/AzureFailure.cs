using Azure;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Arm;

/// <summary>The one place that turns an Azure SDK failure into an error id and category.</summary>
internal static class AzureFailure
{
    /// <summary>Wraps a failed request with a category from its HTTP status; the message never carries a secret.</summary>
    public static VmEventOpsException From(RequestFailedException exception, string errorId, string what, object? target = null)
    {
        var (category, transient) = FailureClassifier.ForStatus(exception.Status);
        var status = exception.Status == 0 ? "no response" : $"HTTP {exception.Status}";
        var code = string.IsNullOrEmpty(exception.ErrorCode) ? string.Empty : $" ({exception.ErrorCode})";
        var detail = exception.Status == 0 ? $": {FirstLine(exception.InnerException?.Message ?? exception.Message)}" : string.Empty;
        return new VmEventOpsException(errorId, category, SecretRedactor.PatternsOnly.Redact($"{what} failed: {status}{code}{detail}"), target, exception)
        {
            IsTransient = transient,
        };
    }

    /// <summary>The request failure inside <paramref name="exception"/> (see <see cref="FailureClassifier.AsRequestFailure"/>).</summary>
    public static RequestFailedException? AsRequestFailure(Exception exception) => FailureClassifier.AsRequestFailure(exception);

    /// <summary>
    /// How long a service asked to wait: retry-after-ms or x-ms-retry-after-ms (milliseconds), else Retry-After as seconds or
    /// an HTTP date, the headers Azure.Core's retry policy waits for; null when it did not say.
    /// </summary>
    public static TimeSpan? RetryAfter(Response? response)
    {
        if (response is null) return null;
        foreach (var header in (ReadOnlySpan<string>)["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (response.Headers.TryGetValue(header, out var ms) && int.TryParse(ms, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var milliseconds))
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        if (!response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value)) return null;
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) && at > DateTimeOffset.UtcNow
            ? at - DateTimeOffset.UtcNow
            : null;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
