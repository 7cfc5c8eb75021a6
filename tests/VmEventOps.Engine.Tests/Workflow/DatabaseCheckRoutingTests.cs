using System.Net;
using VmEventOps.Emulators;
using VmEventOps.Emulators.Tds;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Workflow;

/// <summary>
/// How the workflow routes a SQL Server check's failure (TDS emulator, Azurite, ARM emulator): what only settings can
/// fix (encryption, certificate trust, the certificate's name) goes to poison at once with an error naming the setting;
/// what a new VM's database may outgrow (a login still being provisioned) is retried.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DatabaseCheckRoutingTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string User = "vmeventops";
    private const string Password = "Routing-Pa55";
    private ArmEmulator _arm = null!;

    public async Task InitializeAsync() => _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    private static TdsEmulator Tds(TdsEmulatorOptions? options = null) => TdsEmulator.Start((options ?? new TdsEmulatorOptions()) with
    {
        Logins = new Dictionary<string, string> { [User] = Password },
        Databases = ["app"],
        Certificate = options?.Certificate ?? TestTrust.Certificate,
    });

    private VmEventOptions Options(TdsEmulator tds) => WorkflowTestOptions.For(azurite, _arm) with
    {
        DbProvider = DbProvider.SqlServer,
        DbServer = "{PrivateIpAddress}",
        DbPort = tds.Port,
        DbName = "app",
        DbUser = User,
        DbPassword = Password,
        RetryBaseDelay = TimeSpan.FromSeconds(30),
    };

    private async Task<VmEventResult> Process(VmEventOptions options, string vmName, string address)
    {
        var vm = _arm.Model.AddVm(WorkflowTestOptions.Subscription, "rg-app", vmName, [address]);
        var queues = VmEventEngine.For(options).Queues(NullHostLog.Instance);
        await queues.SendToMainAsync(QueueTestMessages.EventFor(vm.Id));
        return await VmEventEngine.For(options).Processor(NullHostLog.Instance).ProcessAsync(await queues.ReceiveOneAsync(), false, CancellationToken.None);
    }

    private static async Task<VmEventMessage> Poisoned(VmEventOptions options) =>
        Assert.Single(await VmEventEngine.For(options).Queues(NullHostLog.Instance).PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None));

    [Fact]
    public async Task Process_SqlServerCheckWithAnUntrustedCertificate_ShouldDeadLetterAtOnceNamingTheTrustSetting()
    {
        await using var tds = Tds(new TdsEmulatorOptions { Certificate = TestCertificate.Create() });
        var options = Options(tds);

        var result = await Process(options, "vm-sql-untrusted", "127.0.0.1");

        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome); // no attempt can differ: only settings fix it
        Assert.Equal(1, result.Attempt);
        Assert.StartsWith($"DatabaseCheck: {ErrorIds.DbNotConfigured}: ", result.Reason);
        Assert.Contains("TlsFailure (UntrustedCertificate)", result.Reason);
        Assert.Contains("DbTrustServerCertificate=true", result.Reason);
        Assert.Contains("DbNotConfigured", (await Poisoned(options)).Reason);
        Assert.Equal(0, _arm.Calls("job-put"));
    }

    [Fact]
    public async Task Process_SqlServerCheckWithDbTrustServerCertificate_ShouldOnboard()
    {
        await using var tds = Tds(new TdsEmulatorOptions { Certificate = TestCertificate.Create() });

        var result = await Process(Options(tds) with { DbTrustServerCertificate = true }, "vm-sql-trusting", "127.0.0.1");

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
        Assert.StartsWith("OK (SqlServer", result.DbCheck);
    }

    [Fact]
    public async Task Process_SqlServerCheckByAddressWhenTheCertificateNamesTheHost_ShouldDeadLetterNamingDbHostNameInCertificate()
    {
        // The VM's address (127.0.0.2) is what {PrivateIpAddress} gives; its certificate names localhost.
        await using var tds = Tds(new TdsEmulatorOptions { Address = IPAddress.Parse("127.0.0.2") });

        var result = await Process(Options(tds), "vm-sql-byaddress", "127.0.0.2");

        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome);
        Assert.Contains("TlsFailure (NameMismatch)", result.Reason);
        Assert.Contains("DbHostNameInCertificate", result.Reason);
    }

    [Fact]
    public async Task Process_SqlServerCheckByAddressWithDbHostNameInCertificate_ShouldOnboard()
    {
        await using var tds = Tds(new TdsEmulatorOptions { Address = IPAddress.Parse("127.0.0.2") });

        var result = await Process(Options(tds) with { DbHostNameInCertificate = "localhost" }, "vm-sql-hostname", "127.0.0.2");

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
    }

    [Fact]
    public async Task Process_SqlServerCheckWithMandatoryEncryptionAgainstAServerWithoutIt_ShouldDeadLetterNamingDbEncryption()
    {
        await using var tds = Tds(new TdsEmulatorOptions { Encryption = TdsServerEncryption.NotSupported });

        var result = await Process(Options(tds), "vm-sql-noencryption", "127.0.0.1");

        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome);
        Assert.Contains("TlsFailure (EncryptionNotSupported)", result.Reason);
        Assert.Contains("DbEncryption=Optional", result.Reason);
    }

    [Fact]
    public async Task Process_SqlServerCheckWithALoginNotThereYet_ShouldScheduleARetry()
    {
        await using var tds = Tds();

        var result = await Process(Options(tds) with { DbUser = "app-login-not-created-yet" }, "vm-sql-nologin", "127.0.0.1");

        Assert.Equal(VmEventOutcome.RetryScheduled, result.Outcome); // the new VM's database may still be provisioning its logins
        Assert.Equal("Login LoginFailed", result.DbCheck);
        Assert.Contains(ErrorIds.DbCheckFailed, result.Reason);
        Assert.DoesNotContain(Password, result.Reason);
    }
}
