using System.Text.Json;
using VmEventOps.Emulators;
using VmEventOps.Emulators.Tds;

// "certificate <dir>": writes the HTTPS emulators' certificate and its trust bundle (for SSL_CERT_FILE), then exits.
// Otherwise runs the emulators as a process (for Pester): prints one JSON line with their addresses and secrets,
// then serves until standard input closes or the process is killed.
if (args is ["certificate", var directory])
{
    TestCertificate.WriteFiles(directory);
    return;
}

await using var identity = await ManagedIdentityEmulator.StartAsync();
var userAssigned = identity.AddUserAssigned("id-vmeventops");

// ARM over HTTPS with the certificate written by "certificate <dir>" (VMEVENTOPSTEST_CERTIFICATES), seeded with two VMs.
var certificates = Environment.GetEnvironmentVariable("VMEVENTOPSTEST_CERTIFICATES")
    ?? throw new InvalidOperationException("Set VMEVENTOPSTEST_CERTIFICATES to the folder written by 'certificate <dir>'.");
await using var arm = await ArmEmulator.StartAsync(TestCertificate.Load(certificates));
// Key Vault's secrets API: tests put secrets with PUT /_emulator/secrets/{name} (body: the value) and faults with POST /_emulator/faults.
await using var keyVault = await KeyVaultEmulator.StartAsync(TestCertificate.Load(certificates), identity.TenantId);
const string subscription = "11111111-2222-3333-4444-555555555555";
var vms = new[]
{
    arm.Model.AddVm(subscription, "rg-demo", "vm-demo-01", ["10.0.0.4"]),
    arm.Model.AddVm(subscription, "rg-demo", "vm-demo-02", ["10.0.1.7", "10.0.1.8"], ["172.20.2.16/28"]),
    arm.Model.AddVm(subscription, "rg-demo", "vm-demo-03", ["10.0.2.5"]),
    arm.Model.AddVm(subscription, "rg-other", "vm-elsewhere", ["10.9.0.4"]),
};

// A VM still being created, as the create example shows one: its NIC does not exist at the first GET of the VM, the second
// finds the VM Succeeded with its NIC. Not among Vms (the demo onboards those).
var creating = arm.Model.AddVmBeingCreated(subscription, "rg-demo", "vm-demo-creating", nicAfterReads: 1, nicAddresses: ["10.0.3.4"]);

// A VM created before the worker started, whose event nobody received: only a sweep (Sync-VmOnboarding) finds it.
var early = arm.Model.AddVm(subscription, "rg-demo", "vm-demo-early", ["10.0.4.4"]);

// Load tests ask for many more VMs: vm-load-0001 ... in rg-load.
if (int.TryParse(Environment.GetEnvironmentVariable("VMEVENTOPSTEST_LOAD_VMS"), out var loadVms))
{
    for (var i = 1; i <= loadVms; i++) arm.Model.AddVm(subscription, "rg-load", $"vm-load-{i:0000}", [$"10.{i / 250 + 10}.{i % 250}.4"]);
}

// Automation's job quota, scaled in time for tests and the benchmark: VMEVENTOPSTEST_JOB_QUOTA=20/2 (jobs/seconds).
arm.JobQuota = JobQuota.Parse(Environment.GetEnvironmentVariable("VMEVENTOPSTEST_JOB_QUOTA"));

// SQL Server for the database checks (user vmeventops, database vmeventops, the suite's database password): with TLS
// (the HTTPS certificate; TDS 8 too), without encryption, with a certificate nobody trusts, and one that ignores a cancel.
var dbLogins = new Dictionary<string, string> { ["vmeventops"] = Environment.GetEnvironmentVariable("VMEVENTOPSTEST_DB_PASSWORD") ?? "vmeventops-test-Pa55" };
var sqlOptions = new TdsEmulatorOptions { Logins = dbLogins, Databases = ["vmeventops"], Certificate = TestCertificate.Load(certificates), Tds8 = true };
await using var sqlServer = TdsEmulator.Start(sqlOptions);
await using var sqlServerPlain = TdsEmulator.Start(sqlOptions with { Encryption = TdsServerEncryption.NotSupported, Tds8 = false });
await using var sqlServerUntrusted = TdsEmulator.Start(sqlOptions with { Certificate = TestCertificate.Create() });
await using var sqlServerIgnoringCancel = TdsEmulator.Start(sqlOptions with { IgnoreAttention = true });

arm.Model.Runbooks["Onboard-Vm"] = new RunbookScript("Completed", ["Onboarding started", "Onboarded"], [], null);
arm.Model.Runbooks["Broken"] = new RunbookScript("Failed", ["Onboarding started"], ["Cannot reach the database"], "The term 'Connect-Db' is not recognized.");
// An error stream longer than a page of JobStream_ListByJob (100 records): read through its nextLink.
arm.Model.Runbooks["Noisy"] = new RunbookScript("Failed", ["Onboarding started"], Enumerable.Range(1, 150).Select(i => $"Cannot reach 10.0.0.{i}:1433").ToArray(), "Too many failures.");

// The runbooks of aa-demo (Runbook_ListByAutomationAccount), two a page so that a client must follow nextLink: the ones
// above, a draft never published, and a Python runbook.
const string automationAccount = $"/subscriptions/{subscription}/resourceGroups/rg-demo/providers/Microsoft.Automation/automationAccounts/aa-demo";
arm.Model.RunbookPageSize = 2;
foreach (var runbook in new[] { "Onboard-Vm", "Broken", "Noisy", "Offboard-Vm" }) arm.Model.AddRunbook(automationAccount, runbook);
arm.Model.AddRunbook(automationAccount, "Onboard-Draft", state: "New");
arm.Model.AddRunbook(automationAccount, "Report-Inventory", runbookType: "Python3");

Console.WriteLine(JsonSerializer.Serialize(new
{
    ArmEndpoint = arm.BaseUri.ToString(),
    AutomationAccountId = automationAccount,
    Vms = vms.Select(v => new { v.Id, v.Name, VmId = v.VmId.ToString() }),
    EarlyVm = new { early.Id, early.Name, VmId = early.VmId.ToString() },
    CreatingVm = new { creating.Id, creating.Name, VmId = creating.VmId.ToString() },
    KeyVaultUri = keyVault.VaultUri.ToString(),
    IdentityEndpoint = identity.AppServiceEndpoint.ToString(),
    ImdsHost = identity.BaseUri.ToString(),
    identity.IdentityHeader,
    SqlServerPort = sqlServer.Port,
    SqlServerPlainPort = sqlServerPlain.Port,
    SqlServerUntrustedPort = sqlServerUntrusted.Port,
    SqlServerIgnoringCancelPort = sqlServerIgnoringCancel.Port,
    SystemAssigned = identity.SystemAssigned,
    UserAssigned = userAssigned,
}));
Console.Out.Flush();
await Task.Run(() => Console.In.ReadToEnd());
