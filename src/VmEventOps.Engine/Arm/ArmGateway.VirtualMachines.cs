using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure.Core;

namespace VmEventOps.Engine.Arm;

// The VMs of a scope, page by page, for the sweep: VirtualMachines_ListAll / _List (nextLink) or one Resource Graph query ($skipToken).
public sealed partial class ArmGateway
{
    private const string GraphRole = "Reader on the scopes (Resource Graph answers only for what the identity can read)";

    /// <summary>
    /// The VMs of <paramref name="scope"/>, one page at a time (a page is parsed, handed over and dropped before the next is
    /// asked for, so memory stays that of one page however long the list): VirtualMachines_ListAll for a subscription,
    /// VirtualMachines_List for a resource group, each nextLink followed on the ARM endpoint only. After
    /// ReconcileMaxPages pages, or once the invocation's time is up, the last page carries why the list stops there.
    /// Throttling is honoured as for every ARM request: a wait longer than ArmMaxRetryWait is VmArmThrottled at once.
    /// </summary>
    public async IAsyncEnumerable<ArmVmPage> ListVmPagesAsync(VmScope scope, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = scope.ResourceGroup is null
            ? $"/subscriptions/{scope.SubscriptionId:D}/providers/Microsoft.Compute/virtualMachines"
            : $"/subscriptions/{scope.SubscriptionId:D}/resourceGroups/{Uri.EscapeDataString(scope.ResourceGroup)}/providers/Microsoft.Compute/virtualMachines";
        var what = $"Listing the VMs of {scope.Value}";
        Uri? next = null;
        for (var pages = 1; ; pages++)
        {
            List<ArmVmSummary> vms;
            string? link;
            using (var message = await SendAsync(RequestMethod.Get, path, _options.Arm.ComputeApiVersion, body: null, what, scope.Value, cancellationToken, page: next).ConfigureAwait(false))
            {
                var response = message.Response;
                if (response.Status != 200) throw ArmFailure.From(response, what, scope.Value, ReaderRole);
                using var document = JsonDocument.Parse(response.Content.ToMemory());
                vms = ReadVms(document.RootElement, "value", scope);
                link = Text(document.RootElement, "nextLink");
            }

            var more = !string.IsNullOrEmpty(link);
            var page = PageOf(vms, more, pages);
            yield return page;
            if (!more || page.CutReason is not null) yield break;
            next = NextPage(link!, what, scope.Value);
        }
    }

    /// <summary>
    /// The VMs of every scope with one Azure Resource Graph query (POST /providers/Microsoft.ResourceGraph/resources), 1000 rows
    /// a page, each next page asked for with the answer's $skipToken; rows outside the scopes (the query narrows by
    /// subscription, the resource groups are checked here) are left out. <paramref name="anyScope"/>: every subscription the
    /// identity can read.
    /// </summary>
    public async IAsyncEnumerable<ArmVmPage> QueryVmPagesAsync(IReadOnlyList<VmScope> scopes, bool anyScope, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string what = "Querying Azure Resource Graph for the VMs in scope";
        var query = "Resources | where type =~ 'microsoft.compute/virtualmachines'"
            + " | project id, name, location, vmId = tostring(properties.vmId), provisioningState = tostring(properties.provisioningState), timeCreated = tostring(properties.timeCreated), tags, osType = tostring(properties.storageProfile.osDisk.osType)"
            + " | order by id asc";
        string? skipToken = null;
        for (var pages = 1; ; pages++)
        {
            var options = new Dictionary<string, object> { ["$top"] = 1000, ["resultFormat"] = "objectArray" };
            if (skipToken is not null) options["$skipToken"] = skipToken;
            var body = new Dictionary<string, object> { ["query"] = query, ["options"] = options };
            if (!anyScope) body["subscriptions"] = scopes.Select(s => s.SubscriptionId.ToString("D")).Distinct().ToArray();

            List<ArmVmSummary> vms;
            using (var message = await SendAsync(RequestMethod.Post, "/providers/Microsoft.ResourceGraph/resources", _options.Reconcile.ResourceGraphApiVersion, body, what, "ResourceGraph", cancellationToken).ConfigureAwait(false))
            {
                var response = message.Response;
                if (response.Status != 200) throw ArmFailure.From(response, what, "ResourceGraph", GraphRole);
                using var document = JsonDocument.Parse(response.Content.ToMemory());
                vms = ReadVms(document.RootElement, "data", anyScope ? null : scopes);
                skipToken = Text(document.RootElement, "$skipToken");
            }

            var more = !string.IsNullOrEmpty(skipToken);
            var page = PageOf(vms, more, pages);
            yield return page;
            if (!more || page.CutReason is not null) yield break;
        }
    }

    // A page that is followed by more says why reading stops there, if it does; the page that ends the list says nothing.
    private ArmVmPage PageOf(List<ArmVmSummary> vms, bool more, int pages) => new(vms, more ? Cut(pages) : null);

    private string? Cut(int pages)
    {
        if (pages >= _options.Reconcile.ReconcileMaxPages) return $"read {pages} page(s), the most ReconcileMaxPages ({_options.Reconcile.ReconcileMaxPages}) allows";
        return _budget.Remaining(DateTimeOffset.UtcNow) is { } left && left <= TimeSpan.Zero ? $"read {pages} page(s) when the time left in this invocation ran out" : null;
    }

    private static List<ArmVmSummary> ReadVms(JsonElement root, string property, VmScope scope) => ReadVms(root, property, [scope]);

    private static List<ArmVmSummary> ReadVms(JsonElement root, string property, IReadOnlyList<VmScope>? scopes)
    {
        var vms = new List<ArmVmSummary>();
        if (!root.TryGetProperty(property, out var items) || items.ValueKind != JsonValueKind.Array) return vms;
        foreach (var item in items.EnumerateArray())
        {
            if (ArmVmSummary.Read(item) is { } vm && (scopes is null || scopes.Any(s => s.Contains(vm.Id)))) vms.Add(vm);
        }

        return vms;
    }
}
