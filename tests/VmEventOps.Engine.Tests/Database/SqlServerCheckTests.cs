using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Xunit.Abstractions;
using VmEventOps.Emulators;
using VmEventOps.Emulators.Tds;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Database;

/// <summary>
/// The SqlServer provider (Microsoft.Data.SqlClient) against the TDS emulator on loopback: every stage, every category,
/// the encryption modes (TDS 7.4 and TDS 8), certificates, timeouts, odd characters, and no password in any output.
/// </summary>
public sealed class SqlServerCheckTests(ITestOutputHelper output)
{
    private const string User = "vmeventops";
    private const string Password = "Tds-Pa55;word'";
    private const string Database = "app";

    private static readonly Lazy<X509Certificate2> Untrusted = new(TestCertificate.Create);

    private static TdsEmulatorOptions Server(TdsServerEncryption encryption = TdsServerEncryption.Supported) => new()
    {
        Logins = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [User] = Password },
        Databases = [Database],
        Encryption = encryption,
        Certificate = TestTrust.Certificate,
    };

    private static DbCheckRequest Request(TdsEmulator tds, string? password = null) => new()
    {
        Provider = DbProvider.SqlServer,
        Server = tds.Host,
        Port = tds.Port,
        Database = Database,
        UserName = User,
        Password = Secrets.Secure(password ?? Password),
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static Task<VmDbCheckResult> Check(DbCheckRequest request, IHostLog? log = null) =>
        DbConnectionChecker.CheckAsync(request, new VmEventOptions(), o => VmEventEngine.For(o).Tokens, log ?? NullHostLog.Instance, CancellationToken.None);

    [Fact]
    public async Task Check_WithTheRightCredentials_ShouldPassEveryStageOverTlsAndReportTheServerVersion()
    {
        await using var tds = TdsEmulator.Start(Server());

        var result = await Check(Request(tds));

        Assert.True(result.Success, result.Message);
        Assert.Equal(["Dns", "Tcp", "Login", "Query"], result.Stages.Keys);
        Assert.Equal("16.00.4135", result.ServerVersion);
        Assert.Equal(User, result.AuthenticatedAs);
        var login = Assert.Single(tds.Logins);
        Assert.Equal("Session", login.Encryption); // Mandatory: the whole session in TLS, the certificate validated
        Assert.Equal(0x74000004u, login.TdsVersion);
        Assert.Equal("VmEventOps", login.AppName);
    }

    [Fact]
    public async Task Check_WithAServerPropertyQuery_ShouldReadTheSqlVariantAnswer()
    {
        await using var tds = TdsEmulator.Start(Server());

        var result = await Check(Request(tds) with { Query = "SELECT SERVERPROPERTY('ProductVersion')" });

        Assert.True(result.Success, result.Message);
    }

    [Fact]
    public async Task Check_WithAWrongPassword_ShouldSayLoginFailed18456WithoutThePasswordAnywhere()
    {
        await using var tds = TdsEmulator.Start(Server());
        const string planted = "Planted-Secret-tds-5e1";
        var log = new RecordingHostLog();

        var result = await Check(Request(tds, planted), log);

        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.LoginFailed, result.ErrorCategory);
        Assert.Equal(18456, result.SqlErrorNumber);
        Assert.Equal((byte)14, result.SqlErrorClass);
        Assert.Contains($"Login failed for user '{User}'", result.Message);
        Assert.DoesNotContain(planted, result.ToString());
        Assert.DoesNotContain(planted, log.AllText);
    }

    [Fact]
    public async Task Check_OfADatabaseThatDoesNotExist_ShouldSayDatabaseNotFound4060()
    {
        await using var tds = TdsEmulator.Start(Server());

        var result = await Check(Request(tds) with { Database = "no_such_database" });

        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.DatabaseNotFound, result.ErrorCategory);
        Assert.Equal(4060, result.SqlErrorNumber);
        Assert.Contains("no_such_database", result.Message);
    }

    [Theory]
    [InlineData("SELECT * FROM no_such_table", 208)]
    [InlineData("THROW 50001, 'The check table is being rebuilt', 1", 50001)]
    public async Task Check_WithAQueryTheServerRefuses_ShouldSayQueryFailedWithTheServerError(string query, int number)
    {
        await using var tds = TdsEmulator.Start(Server());

        var result = await Check(Request(tds) with { Query = query });

        Assert.Equal(DbCheckStage.Query, result.FailedStage);
        Assert.Equal(DbErrorCategory.QueryFailed, result.ErrorCategory);
        Assert.Equal(number, result.SqlErrorNumber);
        Assert.NotNull(result.ServerVersion);
    }

    [Theory]
    [InlineData("o'brien;Trusted_Connection=yes", "p;w'\"d={x}", "app;Initial Catalog=master")]
    [InlineData("admin", "Pass word=1;Integrated Security=true", "db'\"[x]")]
    [InlineData("üser€", "pässwörd✓ ", "Datenbank ü")]
    public async Task Check_WithOddCharactersInUserPasswordAndDatabase_ShouldLogInWithExactlyThoseValues(string user, string password, string database)
    {
        await using var tds = TdsEmulator.Start(Server() with { Logins = new Dictionary<string, string> { [user] = password }, Databases = [database] });

        var result = await Check(Request(tds, password) with { UserName = user, Database = database });

        Assert.True(result.Success, result.Message);
        var login = Assert.Single(tds.Logins);
        Assert.Equal(user, login.UserName);
        Assert.Equal(database, login.Database);
        Assert.True(login.Accepted); // the password arrived as it was given
    }

    [Theory]
    [InlineData(TdsServerEncryption.Supported, "LoginOnly")]
    [InlineData(TdsServerEncryption.Required, "Session")]
    [InlineData(TdsServerEncryption.NotSupported, "None")]
    public async Task Check_WithOptionalEncryption_ShouldLogInAsTheServerNegotiates(TdsServerEncryption server, string negotiated)
    {
        await using var tds = TdsEmulator.Start(Server(server));

        var result = await Check(Request(tds) with { Encryption = DbEncryption.Optional });

        Assert.True(result.Success, result.Message);
        Assert.Equal(negotiated, Assert.Single(tds.Logins).Encryption);
    }

    [Fact]
    public async Task Check_WithMandatoryEncryptionAgainstAServerWithoutIt_ShouldSayTlsFailureAndNameTheEncryptSetting()
    {
        await using var tds = TdsEmulator.Start(Server(TdsServerEncryption.NotSupported));

        var result = await Check(Request(tds));

        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.TlsFailure, result.ErrorCategory);
        Assert.Equal(DbTlsProblem.EncryptionNotSupported, result.TlsProblem);
        Assert.Equal(20, result.SqlErrorNumber);
        Assert.Contains("does not support encryption", result.Message);
        Assert.Contains("-Encrypt Optional (setting DbEncryption=Optional)", result.Message);
        Assert.Empty(tds.Logins); // nothing was sent in clear text
    }

    [Fact]
    public async Task Check_WithStrictEncryptionAgainstAServerWithoutTds8_ShouldSayTlsFailureHandshakeFailed()
    {
        await using var tds = TdsEmulator.Start(Server());

        var result = await Check(Request(tds) with { Encryption = DbEncryption.Strict });

        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.TlsFailure, result.ErrorCategory);
        Assert.Equal(DbTlsProblem.HandshakeFailed, result.TlsProblem);
        Assert.Contains("error: 31", result.Message);
        Assert.Contains("-Encrypt Mandatory (setting DbEncryption=Mandatory)", result.Message);
    }

    [Fact]
    public async Task Check_WithStrictEncryptionAgainstATds8Server_ShouldPassWithTlsFirst()
    {
        await using var tds = TdsEmulator.Start(Server() with { Tds8 = true });

        var result = await Check(Request(tds) with { Encryption = DbEncryption.Strict });

        Assert.True(result.Success, result.Message);
        var login = Assert.Single(tds.Logins);
        Assert.Equal("TlsFirst", login.Encryption);
        Assert.Equal(0x08000000u, login.TdsVersion);
    }

    [Theory]
    [InlineData(DbEncryption.Mandatory, false)]
    [InlineData(DbEncryption.Strict, true)]
    public async Task Check_WithAnUntrustedCertificate_ShouldSayUntrustedCertificateAndNameTheTrustSetting(DbEncryption encryption, bool tds8)
    {
        await using var tds = TdsEmulator.Start(Server() with { Certificate = Untrusted.Value, Tds8 = tds8 });

        var result = await Check(Request(tds) with { Encryption = encryption });

        Assert.Equal(DbErrorCategory.TlsFailure, result.ErrorCategory);
        Assert.Equal(DbTlsProblem.UntrustedCertificate, result.TlsProblem);
        Assert.Contains("Certificate failed chain validation", result.Message);
        Assert.Contains("-TrustServerCertificate (setting DbTrustServerCertificate=true)", result.Message);
        Assert.Empty(tds.Logins);
    }

    [Fact]
    public async Task Check_WithAnUntrustedCertificateAndTrustServerCertificate_ShouldPass()
    {
        await using var tds = TdsEmulator.Start(Server() with { Certificate = Untrusted.Value });

        var result = await Check(Request(tds) with { TrustServerCertificate = true });

        Assert.True(result.Success, result.Message);
    }

    [Fact]
    public async Task Check_StrictWithTrustServerCertificate_ShouldStillValidateAndSaySo()
    {
        await using var tds = TdsEmulator.Start(Server() with { Certificate = Untrusted.Value, Tds8 = true });

        var result = await Check(Request(tds) with { Encryption = DbEncryption.Strict, TrustServerCertificate = true });

        Assert.Equal(DbTlsProblem.UntrustedCertificate, result.TlsProblem);
        Assert.Contains("Strict always validates the certificate", result.Message);
    }

    [Fact]
    public async Task Check_OfAServerItsCertificateDoesNotName_ShouldSayNameMismatchAndNameTheHostNameSetting()
    {
        // 127.0.0.2 is loopback too, but the trusted certificate names only 127.0.0.1 and localhost.
        await using var tds = TdsEmulator.Start(Server() with { Address = IPAddress.Parse("127.0.0.2") });

        var result = await Check(Request(tds));

        Assert.Equal(DbErrorCategory.TlsFailure, result.ErrorCategory);
        Assert.Equal(DbTlsProblem.NameMismatch, result.TlsProblem);
        Assert.Contains("'127.0.0.2'", result.Message);
        Assert.Contains("-HostNameInCertificate (setting DbHostNameInCertificate)", result.Message);
    }

    [Fact]
    public async Task Check_WithTheNameTheCertificateHoldsAsHostNameInCertificate_ShouldPass()
    {
        await using var tds = TdsEmulator.Start(Server() with { Address = IPAddress.Parse("127.0.0.2") });

        var result = await Check(Request(tds) with { HostNameInCertificate = "localhost" });

        Assert.True(result.Success, result.Message);
    }

    [Theory]
    [InlineData(false, false)] // the server stops the batch at the attention
    [InlineData(true, false)] // the server ignores the attention and runs on
    [InlineData(false, true)] // the server never answers a batch at all
    public async Task Check_WhenTheQueryOutlastsTheLimit_ShouldSayTimeoutAtQueryWithinTheLimit(bool ignoreAttention, bool stallAfterLogin)
    {
        await using var tds = TdsEmulator.Start(Server() with { IgnoreAttention = ignoreAttention, StallAfterLogin = stallAfterLogin });
        var wall = Stopwatch.StartNew();

        var result = await Check(Request(tds) with { Query = "WAITFOR DELAY '00:00:10'", Timeout = TimeSpan.FromSeconds(3) });

        wall.Stop();
        output.WriteLine($"Query stage, 3 s limit, 10 s WAITFOR (ignore attention: {ignoreAttention}, stall: {stallAfterLogin}): check {result.ElapsedMs} ms, wall {wall.ElapsedMilliseconds} ms, stages {string.Join(", ", result.Stages.Select(s => $"{s.Key} {s.Value} ms"))}");
        Assert.Equal(DbCheckStage.Query, result.FailedStage);
        Assert.Equal(DbErrorCategory.Timeout, result.ErrorCategory);
        Assert.InRange(result.ElapsedMs, 2900, 7000);   // cut short of the 10 s, with room for a loaded machine
        Assert.InRange(wall.ElapsedMilliseconds, 2900, 7000);
        Assert.Contains("Login", result.Stages.Keys);
    }

    [Fact]
    public async Task Check_WhenTheServerStallsDuringLogin_ShouldSayTimeoutAtLoginWithinTheLimit()
    {
        await using var tds = TdsEmulator.Start(Server() with { StallAtLogin = true });
        var wall = Stopwatch.StartNew();

        var result = await Check(Request(tds) with { Timeout = TimeSpan.FromSeconds(2) });

        output.WriteLine($"Login stage, 2 s limit, stalled server: check {result.ElapsedMs} ms, wall {wall.ElapsedMilliseconds} ms, SqlException {result.SqlErrorNumber}");
        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.Timeout, result.ErrorCategory);
        // SqlClient on its own gives up on a login a second before its Connect Timeout (-2), which the check sets a second
        // after its limit: either way it ends at the limit.
        Assert.InRange(wall.ElapsedMilliseconds, 1900, 6000);
    }

    [Fact]
    public async Task Check_AbandonedAtTheLimit_ShouldCloseItsConnectionOnceTheDriverLetsGo()
    {
        await using var tds = TdsEmulator.Start(Server() with { StallAfterLogin = true });

        var result = await Check(Request(tds) with { Timeout = TimeSpan.FromSeconds(2) });
        var open = Stopwatch.StartNew();
        while (tds.OpenConnections > 0 && open.Elapsed < StageLimit.AbandonGrace + TimeSpan.FromSeconds(5)) await Task.Delay(100);
        output.WriteLine($"Abandoned connection closed {open.ElapsedMilliseconds} ms after the check returned");

        Assert.Equal(DbErrorCategory.Timeout, result.ErrorCategory);
        Assert.Equal(0, tds.OpenConnections);
    }

    [Fact]
    public async Task Check_OfAServerThatResetsTheConnectionBeforeLogin_ShouldSayUnreachableNotLoginFailed()
    {
        using var closing = new ClosingListener();

        var result = await Check(new DbCheckRequest { Provider = DbProvider.SqlServer, Server = "127.0.0.1", Port = closing.Port, UserName = User, Password = Secrets.Secure(Password) });

        Assert.Equal(DbCheckStage.Login, result.FailedStage);
        Assert.Equal(DbErrorCategory.Unreachable, result.ErrorCategory); // transient: a server starting up does this
        Assert.Contains("TCP Provider", result.Message);
    }

    [Fact]
    public async Task Check_WithAHostNameInCertificateForAnotherProvider_ShouldBeASettingsErrorNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Check(new DbCheckRequest
        {
            Provider = DbProvider.PostgreSql, Server = "127.0.0.1", HostNameInCertificate = "db.contoso.local",
        }));

        Assert.Equal(ErrorIds.DbNotConfigured, error.ErrorId);
        Assert.False(error.IsTransient);
        Assert.Contains("DbHostNameInCertificate", error.Message);
    }
}
