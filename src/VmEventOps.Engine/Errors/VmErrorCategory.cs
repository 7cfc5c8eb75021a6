namespace VmEventOps.Engine.Errors;

/// <summary>
/// The engine's view of PowerShell's ErrorCategory (the engine cannot reference PowerShell).
/// Member names match PowerShell's ErrorCategory enum exactly; the cmdlet
/// layer maps by name.
/// </summary>
public enum VmErrorCategory
{
    NotSpecified,
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    ObjectNotFound,
    ResourceUnavailable,
    ConnectionError,
    AuthenticationError,
    PermissionDenied,
    OperationTimeout,
    OperationStopped,
    LimitsExceeded,
    ParserError,
    InvalidResult,
    SecurityError,
}
