using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Database;

/// <summary>
/// What to change when TLS fails, naming the cmdlet parameter and the setting (Test-VmDbConnection takes the one, the
/// workflow the other): these failures are settings to fix, never a database to wait for.
/// </summary>
internal static class TlsAdvice
{
    public static string For(DbTlsProblem problem, DbCheckRequest request, bool nameAlsoMismatched = false) => problem switch
    {
        DbTlsProblem.EncryptionNotSupported =>
            $"Encryption {request.Encryption} needs TLS and the server offers none: give the server a certificate, or, on a network you trust, " +
            "use -Encrypt Optional (setting DbEncryption=Optional).",
        DbTlsProblem.HandshakeFailed when request.Encryption == DbEncryption.Strict && request.Provider == DbProvider.SqlServer =>
            "Encryption Strict is TDS 8, which starts with TLS before anything else; only SQL Server 2022 and later and Azure SQL speak it, " +
            "and an older server closes the connection. For this server use -Encrypt Mandatory (setting DbEncryption=Mandatory).",
        DbTlsProblem.HandshakeFailed =>
            "The TLS handshake failed: the server and this machine share no TLS version or cipher, or the server closed the connection during it. " +
            "Check the server's TLS configuration; -Encrypt (setting DbEncryption) chooses what the check asks for.",
        DbTlsProblem.UntrustedCertificate => Untrusted(request) + (nameAlsoMismatched ? " " + Mismatch(request) : string.Empty),
        DbTlsProblem.NameMismatch => Mismatch(request),
        _ => Untrusted(request) + " " + Mismatch(request),
    };

    private static string Untrusted(DbCheckRequest request) =>
        "This machine does not trust the server's certificate (self-signed, from a CA it does not know, or expired): add the server's CA to this " +
        "machine's trusted roots, or, for a test server only, use -TrustServerCertificate (setting DbTrustServerCertificate=true)." +
        (request.Encryption == DbEncryption.Strict && request.Provider == DbProvider.SqlServer
            ? " Strict always validates the certificate: with it, -TrustServerCertificate changes nothing."
            : string.Empty);

    private static string Mismatch(DbCheckRequest request) =>
        $"The certificate does not name '{request.HostNameInCertificate ?? request.Server}': connect by a name the certificate holds" +
        (request.Provider == DbProvider.SqlServer
            ? ", or name the one it holds with -HostNameInCertificate (setting DbHostNameInCertificate)."
            : ", or, for a test server only, use -TrustServerCertificate (setting DbTrustServerCertificate=true).");
}
