using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace VmEventOps.Engine.Database.Drivers;

internal sealed class SqlServerDriver : IDbDriver
{
    private const string TrustAdvice =
        " SqlClient encrypts by default and validates the server certificate: trust the server's CA on this machine, give its certificate" +
        " a name that matches the server, or, for a test server only, use -TrustServerCertificate.";

    public bool UsesNetwork => true;

    public string? PasswordRefusal => null;

    public DbConnection Create(DbCheckRequest request, string? password, string? accessToken, int connectTimeout)
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

    public DriverFailure Classify(Exception exception, DbCheckStage stage)
    {
        if (exception is not SqlException sql)
        {
            return stage == DbCheckStage.Query ? new(DbErrorCategory.QueryFailed, exception.Message) : new(DbErrorCategory.LoginFailed, exception.Message);
        }

        var category = sql.Number switch
        {
            18456 or 18452 or 18470 or 18486 or 18487 or 18488 => DbErrorCategory.LoginFailed,
            4060 => DbErrorCategory.DatabaseNotFound,
            -2 => DbErrorCategory.Timeout,
            _ when IsCertificateProblem(sql) => DbErrorCategory.TlsFailure,
            _ when stage == DbCheckStage.Query => DbErrorCategory.QueryFailed,
            _ => DbErrorCategory.LoginFailed,
        };
        var message = category == DbErrorCategory.TlsFailure ? sql.Message + TrustAdvice : sql.Message;
        return new DriverFailure(category, message, sql.Number, sql.Class);
    }

    private static bool IsCertificateProblem(SqlException sql) =>
        sql.InnerException is System.Security.Authentication.AuthenticationException
        || sql.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase);
}
