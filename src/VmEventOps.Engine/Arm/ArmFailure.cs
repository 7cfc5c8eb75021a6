using System.Text.Json;
using Azure;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Arm;

/// <summary>Turns an ARM error response into an error with the ARM code and message, the HTTP status and the request ids; never a header of the request.</summary>
internal static class ArmFailure
{
    public static VmEventOpsException From(Response response, string what, object? target, string? requiredRole = null)
    {
        var status = response.Status;
        var text = Describe(response, what);
        if (status == 403)
        {
            return new VmEventOpsException(ErrorIds.ArmForbidden, VmErrorCategory.PermissionDenied,
                SecretRedactor.PatternsOnly.Redact($"{text} The identity needs {requiredRole ?? "a role that allows it"}."), target);
        }

        if (status == 429)
        {
            return new VmEventOpsException(ErrorIds.ArmThrottled, VmErrorCategory.LimitsExceeded, SecretRedactor.PatternsOnly.Redact(text), target)
            {
                IsTransient = true,
                RetryAfter = AzureFailure.RetryAfter(response),
            };
        }

        var (category, transient) = FailureClassifier.ForStatus(status);
        return new VmEventOpsException(ErrorIds.ArmRequestFailed, category, SecretRedactor.PatternsOnly.Redact(text), target)
        {
            IsTransient = transient,
        };
    }

    /// <summary>
    /// A retry that was not waited for: the service named a wait (Retry-After) longer than the request may sleep (see
    /// <see cref="ArmRetryBudget"/>). VmArmThrottled, transient, with that wait as RetryAfter, whatever the status: the
    /// service said when to come back, so the workflow defers the message for it without using an attempt.
    /// </summary>
    public static VmEventOpsException NotWaited(Response response, TimeSpan wait, string why, string what, object? target) => new(
        ErrorIds.ArmThrottled, VmErrorCategory.LimitsExceeded,
        SecretRedactor.PatternsOnly.Redact($"{Describe(response, what)} The service asked to wait {wait.TotalSeconds:0} s, {why}: not waited; try again after it (the workflow defers the message, no attempt used up)."),
        target)
    {
        IsTransient = true,
        RetryAfter = wait,
    };

    private static string Describe(Response response, string what)
    {
        var (code, message) = ReadError(response);
        var ids = $"x-ms-request-id {Header(response, "x-ms-request-id")}, correlation id {Header(response, "x-ms-correlation-request-id")}";
        return $"{what} failed: HTTP {response.Status} {code}: {message} ({ids}).";
    }

    /// <summary>The ARM error code and message of a response (<c>{"error":{"code","message"}}</c>).</summary>
    public static (string Code, string Message) ReadError(Response response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Content.ToMemory());
            // ARM wraps the error in "error"; Automation often answers with code and message at the top.
            var error = document.RootElement.TryGetProperty("error", out var wrapped) ? wrapped : document.RootElement;
            return (error.GetProperty("code").GetString() ?? "Unknown", error.GetProperty("message").GetString() ?? string.Empty);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return ("Unknown", response.ReasonPhrase);
        }
    }

    private static string Header(Response response, string name) => response.Headers.TryGetValue(name, out var value) ? value! : "none";
}
