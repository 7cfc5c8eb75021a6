namespace VmEventOps.Engine.Rules;

/// <summary>The kinds of check a rule can name.</summary>
public enum CheckKind
{
    /// <summary>A database login from the VM's point of view (provider, server template, credentials).</summary>
    Database = 1,

    /// <summary>A TCP connection to the VM's private address on a port (22, 3389, 5986).</summary>
    TcpPort,

    /// <summary>An HTTP(S) request to a URL template, answered with an expected status.</summary>
    Http,

    /// <summary>A DNS name that must resolve to the VM's private address.</summary>
    Dns,

    /// <summary>Tags the VM must carry, optionally matching a pattern.</summary>
    Tags,

    /// <summary>A PowerShell script the admin writes, run in the calling runspace with the VM's facts.</summary>
    Script,
}
