namespace VmEventOps.Engine.Database;

/// <summary>Why a connection check failed, in words an admin acts on. Starts at 1: no category is falsy in a PowerShell filter.</summary>
public enum DbErrorCategory
{
    NameResolution = 1,
    Unreachable,
    Timeout,
    TlsFailure,
    LoginFailed,
    DatabaseNotFound,
    QueryFailed,
}
