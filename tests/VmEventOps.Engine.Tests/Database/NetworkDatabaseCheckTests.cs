using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Tests.Infrastructure;

using Xunit.Abstractions;

namespace VmEventOps.Engine.Tests.Database;

/// <summary>PostgreSQL and MariaDB, real servers on loopback.</summary>
public sealed class NetworkDatabaseCheckTests(ITestOutputHelper output)
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
        return DbConnectionChecker.CheckAsync(request, new VmEventOptions(), o => VmEventEngine.For(o).Tokens, NullHostLog.Instance, CancellationToken.None);
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

    [Theory]
    [InlineData(DbEncryption.Mandatory)]
    [InlineData(DbEncryption.Strict)]
    public async Task Check_PostgreSqlWithValidationAndACertificateThatDoesNotNameTheServer_ShouldSayWhyAndNameTheTrustSetting(DbEncryption encryption)
    {
        // Debian's PostgreSQL serves TLS with its "snakeoil" certificate: self-signed, for the host's name, never for 127.0.0.1.
        var result = await Check(Request(DbProvider.PostgreSql) with { Encryption = encryption });

        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.TlsFailure, result.ErrorCategory);
        Assert.Contains(result.TlsProblem, new DbTlsProblem?[] { DbTlsProblem.NameMismatch, DbTlsProblem.UntrustedCertificate });
        Assert.Contains("The server's certificate failed validation (Remote", result.Message);
        Assert.Contains("-TrustServerCertificate (setting DbTrustServerCertificate=true)", result.Message);
        Assert.DoesNotContain("HostNameInCertificate", result.Message); // a SQL Server option: no advice Npgsql cannot follow
    }

    [Fact]
    public async Task Check_PostgreSqlWithMandatoryEncryptionAndTrustServerCertificate_ShouldPassOverTls()
    {
        var result = await Check(Request(DbProvider.PostgreSql) with { Encryption = DbEncryption.Mandatory, TrustServerCertificate = true });

        Assert.True(result.Success, result.Message);
    }

    [Theory]
    [InlineData(DbEncryption.Mandatory, false)]
    [InlineData(DbEncryption.Mandatory, true)]
    public async Task Check_PostgreSqlWithEncryptionAgainstAServerWithoutTls_ShouldSayTlsFailureAndNameTheEncryptSetting(DbEncryption encryption, bool trust)
    {
        using var server = new PostgreSqlWithoutTlsListener();

        var result = await Check(Request(DbProvider.PostgreSql) with { Port = server.Port, Encryption = encryption, TrustServerCertificate = trust });

        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.TlsFailure, result.ErrorCategory);
        Assert.Equal(DbTlsProblem.EncryptionNotSupported, result.TlsProblem);
        Assert.Contains("-Encrypt Optional (setting DbEncryption=Optional)", result.Message);
        Assert.True(server.Refused > 0, "Npgsql never asked for TLS");
    }

    [Theory]
    [InlineData(DbEncryption.Mandatory, false)]
    [InlineData(DbEncryption.Strict, false)]
    [InlineData(DbEncryption.Mandatory, true)]
    public async Task Check_MySqlWithEncryptionAgainstAServerWithoutTls_ShouldSayTlsFailureAndNameTheEncryptSetting(DbEncryption encryption, bool trust)
    {
        // Debian's MariaDB 10.11 starts without a certificate (have_ssl DISABLED).
        var result = await Check(Request(DbProvider.MySql) with { Encryption = encryption, TrustServerCertificate = trust });

        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.TlsFailure, result.ErrorCategory);
        Assert.Equal(DbTlsProblem.EncryptionNotSupported, result.TlsProblem);
        Assert.Contains("-Encrypt Optional (setting DbEncryption=Optional)", result.Message);
    }

    [Theory]
    [InlineData(DbProvider.PostgreSql, "SELECT pg_sleep(10)")]
    [InlineData(DbProvider.MySql, "SELECT SLEEP(10)")]
    public async Task Check_WhenTheServerNeverHearsTheCancellation_ShouldSayTimeoutAtQueryWithinTheLimit(DbProvider provider, string query)
    {
        DatabaseServers.EnsureListening(PortOf(provider));
        using var proxy = new OneSessionProxy(PortOf(provider));
        var wall = System.Diagnostics.Stopwatch.StartNew();

        var result = await Check(Request(provider) with { Port = proxy.Port, Query = query, Timeout = TimeSpan.FromSeconds(3) });

        wall.Stop();
        output.WriteLine($"{provider} Query stage, 3 s limit, 10 s sleep, cancellation held back: check {result.ElapsedMs} ms, wall {wall.ElapsedMilliseconds} ms");
        Assert.Equal(DbCheckStage.Query, result.FailedStage);
        Assert.Equal(DbErrorCategory.Timeout, result.ErrorCategory);
        Assert.InRange(wall.ElapsedMilliseconds, 2900, 7000);
        var held = System.Diagnostics.Stopwatch.StartNew();
        while (proxy.Held == 0 && held.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(50);
        Assert.True(proxy.Held > 0, "the driver never tried to cancel over a second connection");
    }
}
