using System.Data.Common;
using MySqlConnector;

namespace VmEventOps.Engine.Database.Drivers;

internal sealed class MySqlDriver : IDbDriver
{
    public bool UsesNetwork => true;

    public string? PasswordRefusal => null;

    public DbConnection Create(DbCheckRequest request, string? password, string? accessToken, int connectTimeout)
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

    public DriverFailure Classify(Exception exception, DbCheckStage stage) => exception switch
    {
        MySqlException { ErrorCode: MySqlErrorCode.AccessDenied } e => new(DbErrorCategory.LoginFailed, e.Message, (int)e.ErrorCode),
        MySqlException { ErrorCode: MySqlErrorCode.UnknownDatabase or MySqlErrorCode.DatabaseAccessDenied } e => new(DbErrorCategory.DatabaseNotFound, e.Message, (int)e.ErrorCode),
        MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost } e when e.InnerException is TimeoutException or OperationCanceledException || e.Message.Contains("timeout", StringComparison.OrdinalIgnoreCase)
            => new(DbErrorCategory.Timeout, e.Message, (int)e.ErrorCode),
        MySqlException e when e.InnerException is System.Security.Authentication.AuthenticationException || e.Message.Contains("SSL", StringComparison.OrdinalIgnoreCase)
            => new(DbErrorCategory.TlsFailure, e.Message, (int)e.ErrorCode),
        MySqlException e when stage == DbCheckStage.Query => new(DbErrorCategory.QueryFailed, e.Message, (int)e.ErrorCode),
        TimeoutException or OperationCanceledException => new(DbErrorCategory.Timeout, exception.Message),
        _ when stage == DbCheckStage.Query => new(DbErrorCategory.QueryFailed, exception.Message),
        _ => new(DbErrorCategory.LoginFailed, exception.Message),
    };
}
