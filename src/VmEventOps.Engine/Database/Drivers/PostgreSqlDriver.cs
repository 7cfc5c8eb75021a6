using System.Data.Common;
using System.Security.Authentication;
using Npgsql;
using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Database.Drivers;

/// <summary>
/// PostgreSQL through Npgsql. Mandatory and Strict validate the certificate as VerifyFull does, but through a callback
/// (Npgsql's SslMode Require with a validation callback, the way Npgsql documents for custom validation), so that a
/// refused certificate says whether its chain or its name was wrong: Npgsql itself only says "rejected by the callback".
/// </summary>
internal sealed class PostgreSqlDriver : IDbDriver
{
    public bool UsesNetwork => true;

    public string? PasswordRefusal => null;

    public bool TakesHostNameInCertificate => false;

    public DbConnection Create(DbCheckRequest request, string? password, string? accessToken, int connectTimeout, TlsObservation tls)
    {
        var validate = request.Encryption != DbEncryption.Optional && !request.TrustServerCertificate;
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = request.Server,
            Port = request.EffectivePort,
            Database = request.Database,
            Username = request.UserName,
            Password = password,
            Pooling = false,
            Timeout = connectTimeout,
            CommandTimeout = connectTimeout,
            SslMode = request.Encryption == DbEncryption.Optional ? SslMode.Prefer : SslMode.Require,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        if (validate) connection.SslClientAuthenticationOptionsCallback = options => options.RemoteCertificateValidationCallback = tls.Validator;
        return connection;
    }

    public DriverFailure Classify(Exception exception, DbCheckStage stage, DbCheckRequest request, TlsObservation tls) => exception switch
    {
        PostgresException { SqlState: "28P01" or "28000" } e => new(DbErrorCategory.LoginFailed, e.MessageText),
        PostgresException { SqlState: "3D000" } e => new(DbErrorCategory.DatabaseNotFound, e.MessageText),
        PostgresException e when stage == DbCheckStage.Query => new(DbErrorCategory.QueryFailed, $"{e.SqlState}: {e.MessageText}"),
        NpgsqlException { InnerException: TimeoutException or OperationCanceledException } e => new(DbErrorCategory.Timeout, e.Message),
        // Npgsql's own words would be "rejected by the provided RemoteCertificateValidationCallback": the callback is ours, the reason is what it saw.
        NpgsqlException { InnerException: AuthenticationException } when tls.Problem is { } problem
            => DriverFailure.Tls(problem, $"The server's certificate failed validation ({tls.Errors}).", request, nameAlsoMismatched: problem == DbTlsProblem.UntrustedCertificate && tls.NameAlsoMismatched),
        NpgsqlException { InnerException: AuthenticationException inner } => DriverFailure.Tls(DbTlsProblem.HandshakeFailed, inner.Message, request),
        NpgsqlException e when e.Message.Contains("SSL handshake", StringComparison.Ordinal) => DriverFailure.Tls(DbTlsProblem.HandshakeFailed, e.Message, request),
        // The server answered the SSLRequest with 'N' (ssl = off): "SSL connection requested. No SSL enabled connection from this host is configured."
        NpgsqlException e when e.Message.StartsWith("SSL connection requested", StringComparison.Ordinal) => DriverFailure.Tls(DbTlsProblem.EncryptionNotSupported, e.Message, request),
        _ when stage == DbCheckStage.Query => new(DbErrorCategory.QueryFailed, exception.Message),
        _ => new(DbErrorCategory.LoginFailed, exception.Message),
    };
}
