using System.Data.Common;
using System.Security.Authentication;
using MySqlConnector;
using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Database.Drivers;

/// <summary>
/// MySQL and MariaDB through MySqlConnector, which validates certificates itself (VerifyFull; it also accepts the
/// self-signed certificate of a zero-configuration MariaDB 11.4 when the server proves it in its OK packet), so a
/// refused certificate is <see cref="DbTlsProblem.CertificateRejected"/>: the driver does not say why.
/// </summary>
internal sealed class MySqlDriver : IDbDriver
{
    public bool UsesNetwork => true;

    public string? PasswordRefusal => null;

    public bool TakesHostNameInCertificate => false;

    public DbConnection Create(DbCheckRequest request, string? password, string? accessToken, int connectTimeout, TlsObservation tls)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = request.Server,
            Port = (uint)request.EffectivePort,
            Database = request.Database ?? string.Empty,
            UserID = request.UserName ?? string.Empty,
            Password = password ?? string.Empty,
            Pooling = false,
            ConnectionTimeout = (uint)connectTimeout,
            DefaultCommandTimeout = (uint)connectTimeout,
            SslMode = request.Encryption == DbEncryption.Optional ? MySqlSslMode.Preferred : (request.TrustServerCertificate ? MySqlSslMode.Required : MySqlSslMode.VerifyFull),
        };
        return new MySqlConnection(builder.ConnectionString);
    }

    public DriverFailure Classify(Exception exception, DbCheckStage stage, DbCheckRequest request, TlsObservation tls) => exception switch
    {
        MySqlException { ErrorCode: MySqlErrorCode.AccessDenied } e => new(DbErrorCategory.LoginFailed, e.Message, (int)e.ErrorCode),
        MySqlException { ErrorCode: MySqlErrorCode.UnknownDatabase or MySqlErrorCode.DatabaseAccessDenied } e => new(DbErrorCategory.DatabaseNotFound, e.Message, (int)e.ErrorCode),
        // SslMode Required or VerifyFull against a server without TLS (have_ssl DISABLED).
        MySqlException e when e.Message.Equals("Server does not support SSL", StringComparison.Ordinal)
            => DriverFailure.Tls(DbTlsProblem.EncryptionNotSupported, e.Message, request, (int)e.ErrorCode),
        MySqlException { InnerException: AuthenticationException inner } e => DriverFailure.Tls(
            inner.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase) ? DbTlsProblem.CertificateRejected : DbTlsProblem.HandshakeFailed,
            $"{e.Message}: {inner.Message}", request, (int)e.ErrorCode),
        MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost } e when e.InnerException is TimeoutException or OperationCanceledException || e.Message.Contains("timeout", StringComparison.OrdinalIgnoreCase)
            => new(DbErrorCategory.Timeout, e.Message, (int)e.ErrorCode),
        MySqlException e when stage == DbCheckStage.Query => new(DbErrorCategory.QueryFailed, e.Message, (int)e.ErrorCode),
        TimeoutException or OperationCanceledException => new(DbErrorCategory.Timeout, exception.Message),
        _ when stage == DbCheckStage.Query => new(DbErrorCategory.QueryFailed, exception.Message),
        _ => new(DbErrorCategory.LoginFailed, exception.Message),
    };
}
