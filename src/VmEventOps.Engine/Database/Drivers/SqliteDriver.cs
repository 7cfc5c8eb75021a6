using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace VmEventOps.Engine.Database.Drivers;

/// <summary>A file database: the "server" is the file; a check opens it read-only, so it never creates one.</summary>
internal sealed class SqliteDriver : IDbDriver
{
    public bool UsesNetwork => false;

    // The bundled SQLite has no encryption: a password can never open anything.
    public string? PasswordRefusal => "the module's SQLite has no encryption (SQLCipher) to open a protected file with";

    public bool TakesHostNameInCertificate => false;

    public DbConnection Create(DbCheckRequest request, string? password, string? accessToken, int connectTimeout, TlsObservation tls)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = request.Server,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = connectTimeout,
        };
        return new SqliteConnection(builder.ConnectionString);
    }

    public DriverFailure Classify(Exception exception, DbCheckStage stage, DbCheckRequest request, TlsObservation tls) => exception switch
    {
        SqliteException { SqliteErrorCode: 14 } e when stage == DbCheckStage.Login => new(DbErrorCategory.DatabaseNotFound, e.Message, e.SqliteErrorCode), // SQLITE_CANTOPEN
        SqliteException { SqliteErrorCode: 26 } e => new(DbErrorCategory.DatabaseNotFound, e.Message, e.SqliteErrorCode), // SQLITE_NOTADB
        SqliteException e when stage == DbCheckStage.Query => new(DbErrorCategory.QueryFailed, e.Message, e.SqliteErrorCode),
        _ when stage == DbCheckStage.Query => new(DbErrorCategory.QueryFailed, exception.Message),
        _ => new(DbErrorCategory.LoginFailed, exception.Message),
    };
}
