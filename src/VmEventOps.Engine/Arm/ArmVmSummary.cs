using System.Text.Json;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Arm;

/// <summary>One VM as a list (VirtualMachines_List/ListAll, or a Resource Graph row) gives it: what the sweep needs, nothing more.</summary>
public sealed record ArmVmSummary(VmResourceId Id, Guid? VmId, string? Location, string? ProvisioningState, DateTimeOffset? TimeCreated)
{
    /// <summary>The VM's tags, when the list gave them (the onboarding rules match on them).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Windows or Linux (<c>properties.storageProfile.osDisk.osType</c>, or a Resource Graph column), when given.</summary>
    public string? OsType { get; init; }

    /// <summary>
    /// Reads a VM list item (its vmId, provisioningState and timeCreated under <c>properties</c>) or a Resource Graph row (the same
    /// names as columns); null for an item whose id is not a VM resource ID.
    /// </summary>
    public static ArmVmSummary? Read(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || !VmResourceId.TryParse(Text(item, "id"), out var id)) return null;
        var properties = item.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : item;
        return new ArmVmSummary(
            id!,
            Guid.TryParse(Text(properties, "vmId"), out var vmId) ? vmId : null,
            Text(item, "location"),
            Text(properties, "provisioningState"),
            properties.TryGetProperty("timeCreated", out var created) && created.ValueKind == JsonValueKind.String && created.TryGetDateTimeOffset(out var at) ? at : null)
        {
            Tags = ReadTags(item),
            OsType = Text(item, "osType") ?? OsTypeOf(properties),
        };
    }

    private static Dictionary<string, string> ReadTags(JsonElement item)
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!item.TryGetProperty("tags", out var value) || value.ValueKind != JsonValueKind.Object) return tags;
        foreach (var tag in value.EnumerateObject())
        {
            if (tag.Value.ValueKind == JsonValueKind.String) tags[tag.Name] = tag.Value.GetString()!;
        }

        return tags;
    }

    private static string? OsTypeOf(JsonElement properties) =>
        properties.TryGetProperty("storageProfile", out var storage) && storage.ValueKind == JsonValueKind.Object
        && storage.TryGetProperty("osDisk", out var disk) && disk.ValueKind == JsonValueKind.Object ? Text(disk, "osType") : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
