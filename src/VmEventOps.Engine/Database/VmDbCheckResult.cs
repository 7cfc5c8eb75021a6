using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Database;

/// <summary>The outcome of a connection check: a failed check is a result, with the stage and the reason.</summary>
public sealed record VmDbCheckResult
{
    public required DbProvider Provider { get; init; }
    public required string Server { get; init; }
    public int Port { get; init; }
    public string? Database { get; init; }

    /// <summary>True when every stage passed.</summary>
    public bool Success { get; init; }

    /// <summary>The stage that failed; null on success.</summary>
    public DbCheckStage? FailedStage { get; init; }

    /// <summary>Why, in words an admin acts on; null on success.</summary>
    public DbErrorCategory? ErrorCategory { get; init; }

    /// <summary>With <see cref="DbErrorCategory.TlsFailure"/>: what went wrong with TLS; null otherwise.</summary>
    public DbTlsProblem? TlsProblem { get; init; }

    /// <summary>The driver's message, secrets removed; for a TLS failure, followed by what to change.</summary>
    public string? Message { get; init; }

    /// <summary>Milliseconds each stage that ran took.</summary>
    public IReadOnlyDictionary<string, long> Stages { get; init; } = new Dictionary<string, long>();

    public long ElapsedMs { get; init; }

    /// <summary>The server's version, once logged in.</summary>
    public string? ServerVersion { get; init; }

    /// <summary>Who the server says we are (or the user name logged in with).</summary>
    public string? AuthenticatedAs { get; init; }

    /// <summary>SQL Server: the SqlException number (18456 login failed, 4060 database, -2 timeout, ...).</summary>
    public int? SqlErrorNumber { get; init; }

    /// <summary>SQL Server: the SqlException class (severity).</summary>
    public byte? SqlErrorClass { get; init; }
}
