using System.Data.Common;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using Microsoft.Data.SqlClient;
using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Database.Drivers;

/// <summary>
/// SQL Server through Microsoft.Data.SqlClient. Its failures are read as SqlClient reports them (dotnet/SqlClient's
/// TdsParser and managed SNI): the SqlException number (18456 and kin: login; 4060: database; -2: timeout; 20: the
/// server "does not support encryption"), the SNI error in "(provider: ..., error: N - ...)" (31: the TLS handshake
/// failed, as Strict does against a server without TDS 8), and for certificates the AuthenticationException inside,
/// whose message says "Certificate failed chain validation" or "Certificate name mismatch".
/// </summary>
internal sealed partial class SqlServerDriver : IDbDriver
{
    /// <summary>TdsEnums.ENCRYPTION_NOT_SUPPORTED: the server answered ENCRYPT_NOT_SUP to a client that needs TLS.</summary>
    private const int EncryptionNotSupported = 20;

    /// <summary>SNI error 31, "Encryption(ssl/tls) handshake failed".</summary>
    private const int SniHandshakeFailed = 31;

    public bool UsesNetwork => true;

    public string? PasswordRefusal => null;

    public bool TakesHostNameInCertificate => true;

    public DbConnection Create(DbCheckRequest request, string? password, string? accessToken, int connectTimeout, TlsObservation tls)
    {
        var builder = new SqlConnectionStringBuilder
        {
            DataSource = $"tcp:{request.Server},{request.EffectivePort}",
            Pooling = false,
            ConnectTimeout = connectTimeout,
            CommandTimeout = connectTimeout,
            ConnectRetryCount = 0,
            Encrypt = request.Encryption switch
            {
                DbEncryption.Optional => SqlConnectionEncryptOption.Optional,
                DbEncryption.Strict => SqlConnectionEncryptOption.Strict,
                _ => SqlConnectionEncryptOption.Mandatory,
            },
            TrustServerCertificate = request.TrustServerCertificate,
            ApplicationName = "VmEventOps",
        };
        if (!string.IsNullOrEmpty(request.HostNameInCertificate)) builder.HostNameInCertificate = request.HostNameInCertificate;
        if (!string.IsNullOrEmpty(request.Database)) builder.InitialCatalog = request.Database;
        if (accessToken is null)
        {
            builder.UserID = request.UserName ?? string.Empty;
            builder.Password = password ?? string.Empty;
        }

        var connection = new SqlConnection(builder.ConnectionString);
        if (accessToken is not null) connection.AccessToken = accessToken; // a token is handed over, never pasted into the string
        return connection;
    }

    public DriverFailure Classify(Exception exception, DbCheckStage stage, DbCheckRequest request, TlsObservation tls)
    {
        if (exception is not SqlException sql)
        {
            return stage == DbCheckStage.Query ? new(DbErrorCategory.QueryFailed, exception.Message) : new(DbErrorCategory.LoginFailed, exception.Message);
        }

        if (TlsProblemOf(sql) is var (problem, message, nameAlso))
        {
            return DriverFailure.Tls(problem, message, request, sql.Number, sql.Class, nameAlso);
        }

        var category = sql.Number switch
        {
            18456 or 18452 or 18470 or 18486 or 18487 or 18488 => DbErrorCategory.LoginFailed,
            4060 => DbErrorCategory.DatabaseNotFound,
            -2 => DbErrorCategory.Timeout,
            _ when stage == DbCheckStage.Query => DbErrorCategory.QueryFailed,
            // The TCP provider lost the connection before any login was sent (a server starting, or too busy): not the credentials.
            _ when sql.Class >= 20 && SniError().Match(sql.Message) is { Success: true } sni && sni.Value.Contains("TCP Provider", StringComparison.Ordinal) => DbErrorCategory.Unreachable,
            _ => DbErrorCategory.LoginFailed,
        };
        return new DriverFailure(category, sql.Message, sql.Number, sql.Class);
    }

    private static (DbTlsProblem Problem, string Message, bool NameAlso)? TlsProblemOf(SqlException sql)
    {
        if (sql.Number == EncryptionNotSupported) return (DbTlsProblem.EncryptionNotSupported, sql.Message, false);
        if (Inner<AuthenticationException>(sql) is { } authentication)
        {
            var text = OneLine(authentication.Message);
            var untrusted = text.Contains("chain validation", StringComparison.OrdinalIgnoreCase);
            var mismatch = text.Contains("name mismatch", StringComparison.OrdinalIgnoreCase);
            var problem = untrusted ? DbTlsProblem.UntrustedCertificate
                : mismatch ? DbTlsProblem.NameMismatch
                : text.Contains("certificate", StringComparison.OrdinalIgnoreCase) ? DbTlsProblem.CertificateRejected
                : DbTlsProblem.HandshakeFailed;
            return (problem, text, untrusted && mismatch);
        }

        if (SniError().Match(sql.Message) is { Success: true } sni && int.Parse(sni.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) == SniHandshakeFailed)
        {
            return (DbTlsProblem.HandshakeFailed, OneLine(sql.Message), false);
        }

        return null;
    }

    private static T? Inner<T>(Exception exception) where T : Exception
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is T found) return found;
        }

        return null;
    }

    private static string OneLine(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\(provider: [^,()]+, error: (\d+) - ", RegexOptions.CultureInvariant)]
    private static partial Regex SniError();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
