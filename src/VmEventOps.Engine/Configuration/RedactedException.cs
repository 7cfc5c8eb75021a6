namespace VmEventOps.Engine.Configuration;

/// <summary>
/// An exception of another type as it may be shown: its message and stack trace with secrets masked (see
/// <see cref="SecretRedactor.Redact(Exception)"/>). Names the original type, so a log still says what failed.
/// </summary>
public sealed class RedactedException : Exception
{
    private readonly string? _stackTrace;

    public RedactedException(string originalType, string message, string? stackTrace, Exception? inner)
        : base($"{originalType}: {message}", inner)
    {
        OriginalType = originalType;
        _stackTrace = stackTrace;
    }

    /// <summary>The full name of the exception type this stands for.</summary>
    public string OriginalType { get; }

    /// <inheritdoc />
    public override string? StackTrace => _stackTrace;
}
