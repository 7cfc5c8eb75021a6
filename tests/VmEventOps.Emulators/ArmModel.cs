using System.Collections.Concurrent;

namespace VmEventOps.Emulators;

/// <summary>What the ARM emulator serves: VMs, NICs and Automation jobs, seeded by tests.</summary>
public sealed class ArmModel
{
    public ConcurrentDictionary<string, ArmVm> Vms { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentDictionary<string, ArmNic> Nics { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Automation jobs by resource path (.../automationAccounts/{a}/jobs/{name}).</summary>
    public ConcurrentDictionary<string, ArmJob> Jobs { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How each runbook ends; a runbook not listed completes with one output line.</summary>
    public ConcurrentDictionary<string, RunbookScript> Runbooks { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The runbooks of each Automation account, by the runbook's resource path (.../automationAccounts/{a}/runbooks/{name}).</summary>
    public ConcurrentDictionary<string, ArmRunbook> AccountRunbooks { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Runbooks per page of Runbook_ListByAutomationAccount; further runbooks are behind the page's nextLink.</summary>
    public int RunbookPageSize { get; set; } = 100;

    /// <summary>Adds a runbook to an Automation account (the account exists from then on: its list answers 200).</summary>
    public ArmRunbook AddRunbook(string automationAccountId, string name, string runbookType = "PowerShell72", string state = "Published")
    {
        var runbook = new ArmRunbook($"{automationAccountId}/runbooks/{name}", name, runbookType, state);
        AccountRunbooks[runbook.Id] = runbook;
        return runbook;
    }

    /// <summary>Records per page of JobStream_ListByJob; further records are behind the page's nextLink.</summary>
    public int StreamPageSize { get; set; } = 100;

    /// <summary>VMs per page of VirtualMachines_List and _ListAll; further VMs are behind the page's nextLink.</summary>
    public int VmListPageSize { get; set; } = 100;

    /// <summary>Where the streams' nextLink points (null: this emulator), to check that a client never follows one elsewhere.</summary>
    public Uri? StreamNextLinkBase { get; set; }

    /// <summary>The streams' nextLink as a path and query only, without scheme and host.</summary>
    public bool RelativeStreamNextLink { get; set; }

    /// <summary>Adds a VM with one NIC per address list (first NIC primary; first address of each NIC primary).</summary>
    public ArmVm AddVm(string subscriptionId, string resourceGroup, string name, params string[][] nicAddresses)
    {
        var id = $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{name}";
        var nics = nicAddresses.Select((addresses, i) =>
        {
            var nicId = $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/networkInterfaces/{name}-nic{i}";
            var nic = new ArmNic(nicId, id, i == 0, addresses.Select((a, j) => new ArmIpConfiguration($"ipconfig{j + 1}", a, j == 0, j == 0 && i == 0
                ? $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/publicIPAddresses/{name}-ip" : null)).ToList());
            Nics[nicId] = nic;
            return nic;
        }).ToList();
        var vm = new ArmVm(id, name, Guid.NewGuid(), "westeurope", "Linux", DateTimeOffset.UtcNow.AddMinutes(-3), new Dictionary<string, string> { ["env"] = "test" }, nics.Select(n => n.Id).ToList());
        Vms[id] = vm;
        return vm;
    }

    /// <summary>
    /// Adds a VM still being created, as the create example shows one: provisioningState Creating, its NICs named but not
    /// there yet (NIC GETs answer 404). The first <paramref name="nicAfterReads"/> GETs of the VM find its NICs missing (0: there
    /// from the first GET on), and the GETs after <paramref name="succeededAfterReads"/> (the same by default) find it Succeeded.
    /// </summary>
    public ArmVm AddVmBeingCreated(string subscriptionId, string resourceGroup, string name, int nicAfterReads, int? succeededAfterReads = null, params string[][] nicAddresses)
    {
        var vm = AddVm(subscriptionId, resourceGroup, name, nicAddresses);
        vm.ProvisioningState = "Creating";
        var pending = vm.NicIds.Select(id => Nics.TryRemove(id, out var nic) ? nic : null).OfType<ArmNic>().ToList();
        vm.Creation = new ArmVmCreation(pending, nicAfterReads, succeededAfterReads ?? nicAfterReads);
        return vm;
    }

    /// <summary>One GET of the VM, before it is answered: a VM being created moves on (its NICs appear, then it succeeds).</summary>
    public void Read(ArmVm vm)
    {
        if (vm.Creation is not { } creation) return;
        lock (creation)
        {
            creation.Reads++;
            if (creation.Reads > creation.NicAfterReads && creation.Pending.Count > 0)
            {
                foreach (var nic in creation.Pending) Nics[nic.Id] = nic;
                creation.Pending.Clear();
            }

            if (creation.Reads > creation.SucceededAfterReads && vm.ProvisioningState == "Creating") vm.ProvisioningState = "Succeeded";
        }
    }
}

public sealed record ArmVm(string Id, string Name, Guid VmId, string Location, string OsType, DateTimeOffset TimeCreated, Dictionary<string, string> Tags, List<string> NicIds)
{
    /// <summary>Creating, Succeeded, Updating, Failed, Deleting, ...</summary>
    public string ProvisioningState { get; set; } = "Succeeded";

    /// <summary>How a VM being created moves on (null: it exists already).</summary>
    internal ArmVmCreation? Creation { get; set; }
}

/// <summary>A VM being created: the NICs not there yet, and after how many GETs of the VM they appear and it succeeds.</summary>
internal sealed class ArmVmCreation(List<ArmNic> pending, int nicAfterReads, int succeededAfterReads)
{
    public List<ArmNic> Pending { get; } = pending;
    public int NicAfterReads { get; } = nicAfterReads;
    public int SucceededAfterReads { get; } = succeededAfterReads;
    public int Reads { get; set; }
}

/// <summary>A runbook of an Automation account: its type (PowerShell72, Python3, ...) and state (Published, New, Edit).</summary>
public sealed record ArmRunbook(string Id, string Name, string RunbookType, string State);

public sealed record ArmNic(string Id, string VmId, bool Primary, List<ArmIpConfiguration> IpConfigurations);

/// <summary>One IP configuration; <see cref="PrivateIpAddress"/> null while the NIC is still provisioning.</summary>
public sealed record ArmIpConfiguration(string Name, string? PrivateIpAddress, bool Primary, string? PublicIpAddressId);

/// <summary>What a runbook does in the emulator: its final status, output lines, error stream and exception, and how many polls it runs.</summary>
public sealed record RunbookScript(string FinalStatus, IReadOnlyList<string> Output, IReadOnlyList<string> Errors, string? Exception, int RunningPolls = 1);

/// <summary>An Automation job; each GET moves it one step: New, Running (RunningPolls times), then its final status.</summary>
public sealed class ArmJob(string id, string name, string runbook, IReadOnlyDictionary<string, string> parameters, string runOn, RunbookScript script)
{
    public string Id { get; } = id;
    public string Name { get; } = name;
    public Guid JobId { get; } = Guid.NewGuid();
    public string Runbook { get; } = runbook;
    public IReadOnlyDictionary<string, string> Parameters { get; } = parameters;
    public string RunOn { get; } = runOn;
    public RunbookScript Script { get; } = script;
    public DateTimeOffset CreationTime { get; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? StartTime { get; private set; }
    public DateTimeOffset? EndTime { get; private set; }
    public string Status { get; private set; } = "New";
    private int _polls;

    public void Advance()
    {
        lock (this)
        {
            if (Status == "New") { Status = "Running"; StartTime = DateTimeOffset.UtcNow; return; }
            if (Status == "Running" && ++_polls >= Script.RunningPolls) { Status = Script.FinalStatus; EndTime = DateTimeOffset.UtcNow; }
        }
    }

    public bool IsTerminal => Status is "Completed" or "Failed" or "Stopped" or "Suspended";
}
