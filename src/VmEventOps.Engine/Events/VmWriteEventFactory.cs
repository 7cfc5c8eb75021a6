using System.Text.Json;
using System.Text.Json.Nodes;

namespace VmEventOps.Engine.Events;

/// <summary>
/// Builds a well-formed Event Grid ResourceWriteSuccess event for a VM, as Azure raises on creation,
/// for a deliberate re-run. It says who asked and why in <c>data.vmEventOps</c>, which Azure's own
/// events never carry.
/// </summary>
public static class VmWriteEventFactory
{
    /// <summary>The event's JSON text.</summary>
    public static string Create(VmResourceId vm, string? reason, string? requestedBy, DateTimeOffset now) => Create(vm, reason, requestedBy, now, delete: false);

    /// <summary>
    /// A ResourceDeleteSuccess event for the VM, shaped as Azure raises one (its data names the operation and the
    /// resource, and carries no resource body), for offboarding a VM by hand or in tests.
    /// </summary>
    public static string CreateDelete(VmResourceId vm, string? reason, string? requestedBy, DateTimeOffset now) => Create(vm, reason, requestedBy, now, delete: true);

    private static string Create(VmResourceId vm, string? reason, string? requestedBy, DateTimeOffset now, bool delete)
    {
        var operation = delete ? EventFilter.VmDeleteOperation : EventFilter.VmWriteOperation;
        var id = vm.Value;
        var subscription = $"/subscriptions/{vm.SubscriptionId:D}";
        var data = new JsonObject
        {
            ["authorization"] = new JsonObject { ["scope"] = id, ["action"] = operation, ["evidence"] = new JsonObject() },
            ["claims"] = new JsonObject(),
            ["correlationId"] = Guid.NewGuid().ToString("D"),
            ["resourceProvider"] = "Microsoft.Compute",
            ["resourceUri"] = id,
            ["operationName"] = operation,
            ["status"] = "Succeeded",
            ["subscriptionId"] = vm.SubscriptionId.ToString("D"),
            ["vmEventOps"] = new JsonObject { ["rerun"] = true, ["reason"] = reason, ["requestedBy"] = requestedBy },
        };
        if (delete)
        {
            data["httpRequest"] = new JsonObject { ["clientRequestId"] = Guid.NewGuid().ToString("D"), ["method"] = "DELETE", ["url"] = $"https://management.azure.com{id}?api-version=2024-11-01" };
        }

        var vmEvent = new JsonObject
        {
            ["subject"] = id,
            ["eventType"] = delete ? EventFilter.ResourceDeleteSuccess : EventFilter.ResourceWriteSuccess,
            ["eventTime"] = now.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["id"] = Guid.NewGuid().ToString("D"),
            ["data"] = data,
            ["dataVersion"] = "2",
            ["metadataVersion"] = "1",
            ["topic"] = subscription,
        };
        return vmEvent.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
