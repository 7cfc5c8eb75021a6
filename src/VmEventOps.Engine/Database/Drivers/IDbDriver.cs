using System.Data.Common;

namespace VmEventOps.Engine.Database.Drivers;

/// <summary>One database engine: how to build its connection (only with its ConnectionStringBuilder) and how to read its failures.</summary>
internal interface IDbDriver
{
    /// <summary>False for file databases (Sqlite): no DNS or TCP stage.</summary>
    bool UsesNetwork { get; }

    /// <summary>Null when the engine takes a password; otherwise why a password can never work with it.</summary>
    string? PasswordRefusal { get; }

    /// <summary>True when the driver can check the certificate for another name than the server's (SqlClient's HostNameInCertificate).</summary>
    bool TakesHostNameInCertificate { get; }

    /// <summary>
    /// A closed connection, pooling off (a check must really connect), timeouts from <paramref name="connectTimeout"/>;
    /// certificate checks report to <paramref name="tls"/> where the driver lets them.
    /// </summary>
    DbConnection Create(DbCheckRequest request, string? password, string? accessToken, int connectTimeout, TlsObservation tls);

    /// <summary>What a failure of the Login or Query stage means.</summary>
    DriverFailure Classify(Exception exception, DbCheckStage stage, DbCheckRequest request, TlsObservation tls);
}

/// <summary>A classified driver failure; a TLS failure carries its problem, and its message ends with what to change.</summary>
internal sealed record DriverFailure(DbErrorCategory Category, string Message, int? Number = null, byte? Class = null, DbTlsProblem? TlsProblem = null)
{
    /// <summary>A TLS failure: the driver's words, then the advice for <paramref name="problem"/>.</summary>
    public static DriverFailure Tls(DbTlsProblem problem, string message, DbCheckRequest request, int? number = null, byte? @class = null, bool nameAlsoMismatched = false)
    {
        var said = message.TrimEnd();
        if (!said.EndsWith('.')) said += ".";
        return new(DbErrorCategory.TlsFailure, $"{said} {TlsAdvice.For(problem, request, nameAlsoMismatched)}", number, @class, problem);
    }
}
