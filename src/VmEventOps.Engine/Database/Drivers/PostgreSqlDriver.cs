using System.Data.Common;
using Npgsql;

namespace VmEventOps.Engine.Database.Drivers;

internal sealed class PostgreSqlDriver : IDbDriver
{
    public bool UsesNetwork => true;

    public string? PasswordRefusal => null;

    public DbConnection Create(DbCheckRequest request, string? password, string? accessToken, int connectTimeout)
    {
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
            SslMode = request.Encryption == DbEncryption.Optional ? SslMode.Prefer : (request.TrustServerCertificate ? SslMode.Require : SslMode.VerifyFull),
        };
        return new NpgsqlConnection(builder.ConnectionString);
    }

    public DriverFailure Classify(Exception exception, DbCheckStage stage) => exception switch
    {
        PostgresException { SqlState: "28P01" or "28000" } e => new(DbErrorCategory.LoginFailed, e.MessageText),
        PostgresException { SqlState: "3D000" } e => new(DbErrorCategory.DatabaseNotFound, e.MessageText),
        PostgresException e when stage == DbCheckStage.Query => new(DbErrorCategory.QueryFailed, $"{e.SqlState}: {e.MessageText}"),
        NpgsqlException { InnerException: TimeoutException or OperationCanceledException } e => new(DbErrorCategory.Timeout, e.Message),
        NpgsqlException { InnerException: System.Security.Authentication.AuthenticationException } e => new(DbErrorCategory.TlsFailure, e.InnerException!.Message),
        NpgsqlException e when e.Message.Contains("SSL", StringComparison.OrdinalIgnoreCase) => new(DbErrorCategory.TlsFailure, e.Message),
        _ when stage == DbCheckStage.Query => new(DbErrorCategory.QueryFailed, exception.Message),
        _ => new(DbErrorCategory.LoginFailed, exception.Message),
    };
}
