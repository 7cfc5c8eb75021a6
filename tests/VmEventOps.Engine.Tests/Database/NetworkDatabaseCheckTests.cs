using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database;
using VmEventOps.Engine.Diagnostics;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Database;

/// <summary>PostgreSQL and MariaDB, real servers on loopback.</summary>
public sealed class NetworkDatabaseCheckTests
{
    public static TheoryData<DbProvider> Providers => new(DbProvider.PostgreSql, DbProvider.MySql);


    private static int PortOf(DbProvider provider) => provider == DbProvider.PostgreSql ? DatabaseServers.PostgreSqlPort : DatabaseServers.MariaDbPort;

    private static DbCheckRequest Request(DbProvider provider, string? password = null) => new()
    {
        Provider = provider,
        Server = DatabaseServers.Host,
        Port = PortOf(provider),
        Database = DatabaseServers.Database,
        UserName = DatabaseServers.User,
        Password = Secrets.Secure(password ?? DatabaseServers.Password),
        Encryption = DbEncryption.Optional,
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static Task<VmDbCheckResult> Check(DbCheckRequest request)
    {
        if (request.Server == DatabaseServers.Host && request.Port == PortOf(request.Provider)) DatabaseServers.EnsureListening(PortOf(request.Provider));
        return DbConnectionChecker.CheckAsync(request, new VmEventOptions(), NullHostLog.Instance, CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Check_WithTheRightCredentials_ShouldPassEveryStageAndReportTheServerVersion(DbProvider provider)
    {
        var result = await Check(Request(provider));

        Assert.True(result.Success, result.Message);
        Assert.Null(result.FailedStage);
        Assert.False(string.IsNullOrEmpty(result.ServerVersion));
        Assert.Equal(DatabaseServers.User, result.AuthenticatedAs);
        Assert.Equal(["Dns", "Tcp", "Login", "Query"], result.Stages.Keys);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Check_WithAWrongPassword_ShouldFailAtLoginWithoutShowingThePassword(DbProvider provider)
    {
        const string planted = "Planted-Secret-7f3a9";

        var result = await Check(Request(provider, planted));

        Assert.False(result.Success);
        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.LoginFailed, result.ErrorCategory);
        Assert.DoesNotContain(planted, result.ToString());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Check_OfADatabaseThatDoesNotExist_ShouldSayDatabaseNotFound(DbProvider provider)
    {
        var result = await Check(Request(provider) with { Database = "no_such_database" });

        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.DatabaseNotFound, result.ErrorCategory);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Check_WithABadQuery_ShouldFailAtTheQueryStage(DbProvider provider)
    {
        var result = await Check(Request(provider) with { Query = "SELECT * FROM no_such_table" });

        Assert.Equal(DbCheckStage.Query, result.FailedStage);
        Assert.Equal(DbErrorCategory.QueryFailed, result.ErrorCategory);
        Assert.Contains("no_such_table", result.Message);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Check_OfAClosedPort_ShouldSayUnreachableAtTheTcpStage(DbProvider provider)
    {
        var result = await Check(Request(provider) with { Port = 9 });

        Assert.Equal(DbCheckStage.Tcp, result.FailedStage);
        Assert.Equal(DbErrorCategory.Unreachable, result.ErrorCategory);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Check_OfAnUnresolvableHost_ShouldSayNameResolution(DbProvider provider)
    {
        var result = await Check(Request(provider) with { Server = "no-such-host.invalid" });

        Assert.Equal(DbCheckStage.Dns, result.FailedStage);
        Assert.Equal(DbErrorCategory.NameResolution, result.ErrorCategory);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Check_OfAServerThatNeverAnswers_ShouldTimeOutWithinTheTimeout(DbProvider provider)
    {
        using var silent = new SilentListener();

        var result = await Check(Request(provider) with { Port = silent.Port, Timeout = TimeSpan.FromSeconds(2) });

        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.Timeout, result.ErrorCategory);
        Assert.InRange(result.ElapsedMs, 1500, 6000);
    }

    [Fact]
    public async Task Check_PostgreSqlWithMandatoryEncryptionAndAnUntrustedCertificate_ShouldSayTlsFailure()
    {
        // Debian's PostgreSQL serves TLS with its self-signed "snakeoil" certificate.
        var result = await Check(Request(DbProvider.PostgreSql) with { Encryption = DbEncryption.Mandatory });

        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.TlsFailure, result.ErrorCategory);
    }
}
