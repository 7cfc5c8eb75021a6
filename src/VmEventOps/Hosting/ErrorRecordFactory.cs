using System.Management.Automation;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Hosting;

/// <summary>
/// Builds every ErrorRecord the module writes: a stable id, a category, a target, and secrets removed from every text it
/// carries — the exception's own message and each inner exception's (what $Error, a log or a 500 body would show of it),
/// not only ErrorDetails.
/// </summary>
internal static class ErrorRecordFactory
{
    public static ErrorRecord Create(Exception exception, SecretRedactor redactor)
    {
        var known = exception as VmEventOpsException ?? new VmEventOpsException(
            ErrorIds.Unexpected,
            VmErrorCategory.NotSpecified,
            $"Unexpected {exception.GetType().Name}: {exception.Message}",
            inner: exception);
        // The record holds a redacted copy when any message in the chain held a secret (the same instance otherwise).
        var shown = (VmEventOpsException)redactor.Redact(known);
        var category = Enum.TryParse<ErrorCategory>(shown.Category.ToString(), out var mapped) ? mapped : ErrorCategory.NotSpecified;
        var record = new ErrorRecord(shown, shown.ErrorId, category, shown.Target);
        record.ErrorDetails = new ErrorDetails(shown.Message);
        return record;
    }
}
