using Microsoft.Data.SqlClient;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database;
using VmEventOps.Engine.Database.Drivers;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Database;

/// <summary>SQLite in-process, and SQL Server as far as it goes without a server.</summary>
public sealed class LocalDatabaseCheckTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();


    private static Task<VmDbCheckResult> Check(DbCheckRequest request) =>
        DbConnectionChecker.CheckAsync(request, new VmEventOptions(), o => VmEventEngine.For(o).Tokens, NullHostLog.Instance, CancellationToken.None);

    private string NewSqliteFile()
    {
        var path = Path.Combine(_temp.Path, "app.db");
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE vm (name TEXT)";
        command.ExecuteNonQuery();
        return path;
    }

    [Fact]
    public async Task Check_Sqlite_ShouldOpenTheFileAndRunTheQuery()
    {
        var result = await Check(new DbCheckRequest { Provider = DbProvider.Sqlite, Server = NewSqliteFile(), Query = "SELECT count(*) FROM vm" });

        Assert.True(result.Success, result.Message);
        Assert.Equal(["Login", "Query"], result.Stages.Keys);
        Assert.False(string.IsNullOrEmpty(result.ServerVersion));
    }

    [Fact]
    public async Task Check_SqliteWithAPassword_ShouldBeASettingsErrorThatIsNotTransient()
    {
        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Check(new DbCheckRequest
        {
            Provider = DbProvider.Sqlite, Server = NewSqliteFile(), Password = Secrets.Secure("sqlite-password-value"),
        }));

        Assert.Equal(ErrorIds.DbNotConfigured, error.ErrorId);
        Assert.False(error.IsTransient);
        Assert.DoesNotContain("sqlite-password-value", error.Message);
    }

    [Fact]
    public async Task Check_SqliteFileThatDoesNotExist_ShouldSayDatabaseNotFoundAndCreateNothing()
    {
        var path = Path.Combine(_temp.Path, "missing.db");

        var result = await Check(new DbCheckRequest { Provider = DbProvider.Sqlite, Server = path });

        Assert.Equal(DbErrorCategory.DatabaseNotFound, result.ErrorCategory);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Check_SqliteWithABadQuery_ShouldFailAtTheQueryStage()
    {
        var result = await Check(new DbCheckRequest { Provider = DbProvider.Sqlite, Server = NewSqliteFile(), Query = "SELECT * FROM nothing" });

        Assert.Equal(DbCheckStage.Query, result.FailedStage);
        Assert.Equal(DbErrorCategory.QueryFailed, result.ErrorCategory);
    }

    [Fact]
    public async Task Check_SqlServerOnAClosedPort_ShouldSayUnreachable()
    {
        var result = await Check(new DbCheckRequest { Provider = DbProvider.SqlServer, Server = "127.0.0.1", Port = 9, UserName = "sa", Password = Secrets.Secure("x") });

        Assert.Equal(DbCheckStage.Tcp, result.FailedStage);
        Assert.Equal(DbErrorCategory.Unreachable, result.ErrorCategory);
    }

    [Fact]
    public async Task Check_SqlServerOnAListenerThatSpeaksNoTds_ShouldFailAtLoginWithinTheTimeoutWithoutThePassword()
    {
        using var silent = new SilentListener();
        const string planted = "Planted-Secret-sql-42";

        var result = await Check(new DbCheckRequest
        {
            Provider = DbProvider.SqlServer, Server = "127.0.0.1", Port = silent.Port, UserName = "sa", Password = Secrets.Secure(planted), Timeout = TimeSpan.FromSeconds(3),
        });

        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.Timeout, result.ErrorCategory);
        Assert.InRange(result.ElapsedMs, 1000, 8000);
        Assert.DoesNotContain(planted, result.ToString());
    }

    [Theory]
    [InlineData("db;Integrated Security=true", "app", "sa")]
    [InlineData("db", "app;Integrated Security=true", "sa")]
    [InlineData("db", "app", "sa;Integrated Security=true")]
    [InlineData("db'\"", "a'p\"p", "s'a\"")]
    public void SqlServerConnection_ShouldCarryEveryValueAsDataNeverAsAnOption(string server, string database, string user)
    {
        var request = new DbCheckRequest { Provider = DbProvider.SqlServer, Server = server, Database = database, UserName = user };

        using var connection = new SqlServerDriver().Create(request, "p;Integrated Security=true", null, 5, new TlsObservation());
        var parsed = new SqlConnectionStringBuilder(connection.ConnectionString);

        Assert.False(parsed.IntegratedSecurity);
        Assert.Equal($"tcp:{server},1433", parsed.DataSource);
        Assert.Equal(database, parsed.InitialCatalog);
        Assert.Equal(user, parsed.UserID);
        Assert.False(parsed.Pooling);
    }

    [Fact]
    public void PostgreSqlAndMySqlConnections_ShouldCarryInjectionAttemptsAsData()
    {
        var request = new DbCheckRequest { Provider = DbProvider.PostgreSql, Server = "db;Trust Server Certificate=true", Database = "x;Pooling=true", UserName = "u'\"" };

        using var pg = new PostgreSqlDriver().Create(request, "p;Include Error Detail=true", null, 5, new TlsObservation());
        var pgParsed = new Npgsql.NpgsqlConnectionStringBuilder(pg.ConnectionString);
        using var my = new MySqlDriver().Create(request with { Provider = DbProvider.MySql }, "p;AllowLoadLocalInfile=true", null, 5, new TlsObservation());
        var myParsed = new MySqlConnector.MySqlConnectionStringBuilder(my.ConnectionString);

        Assert.Equal("db;Trust Server Certificate=true", pgParsed.Host);
        Assert.False(pgParsed.Pooling);
        Assert.False(pgParsed.IncludeErrorDetail);
        Assert.Equal("x;Pooling=true", myParsed.Database);
        Assert.False(myParsed.AllowLoadLocalInfile);
    }

    [Fact]
    public async Task Check_TokenAuthenticationForAnotherProvider_ShouldBeRefused()
    {
        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Check(new DbCheckRequest
        {
            Provider = DbProvider.PostgreSql, Server = "127.0.0.1", Authentication = DbAuthentication.ManagedIdentity,
        }));

        Assert.Contains("SqlServer only", error.Message);
    }

    [Fact]
    public void ResolveServer_ShouldFillTheTemplateFromTheVm()
    {
        var vm = new Engine.Arm.VmNetworkInfo { VmResourceId = "/x", VmId = Guid.NewGuid(), VmName = "vm-01", PrivateIpAddress = "10.0.0.4" };

        Assert.Equal("10.0.0.4", DbConnectionChecker.ResolveServer("{PrivateIpAddress}", vm));
        Assert.Equal("vm-01.contoso.local", DbConnectionChecker.ResolveServer("{VmName}.contoso.local", vm));
    }
}
