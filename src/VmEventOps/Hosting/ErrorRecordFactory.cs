using System.Management.Automation;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Diagnostics;

namespace VmEventOps.Hosting;

/// <summary>Builds every ErrorRecord the module writes: a stable id, a category, a target, a message with secrets removed.</summary>
internal static class ErrorRecordFactory
{
    public static ErrorRecord Create(Exception exception, SecretRedactor redactor)
    {
        var known = exception as VmEventOpsException ?? new VmEventOpsException(
            ErrorIds.Unexpected,
            VmErrorCategory.NotSpecified,
            $"Unexpected {exception.GetType().Name}: {redactor.Redact(exception.Message)}",
            inner: exception);
        var category = Enum.TryParse<ErrorCategory>(known.Category.ToString(), out var mapped) ? mapped : ErrorCategory.NotSpecified;
        var record = new ErrorRecord(known, known.ErrorId, category, known.Target);
        record.ErrorDetails = new ErrorDetails(redactor.Redact(known.Message));
        return record;
    }
}
