namespace VmEventOps.Engine.Database;

/// <summary>The stages of a connection check, in order; the check stops at the first that fails. Starts at 1: no stage is falsy in a PowerShell filter.</summary>
public enum DbCheckStage
{
    /// <summary>Resolving the server name.</summary>
    Dns = 1,

    /// <summary>Connecting to host:port.</summary>
    Tcp,

    /// <summary>Opening the driver connection: TLS and authentication.</summary>
    Login,

    /// <summary>Running the check query.</summary>
    Query,
}
