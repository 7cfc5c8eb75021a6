using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace VmEventOps.Emulators;

/// <summary>
/// The VM lists of the ARM emulator: VirtualMachines_ListAll (a subscription) and VirtualMachines_List (a resource group),
/// paged with an absolute nextLink carrying $skiptoken (VirtualMachineListResult: value, nextLink), each item the
/// VirtualMachines_Get body of the VM (the list's MaximumSet example shows full models); and Resource Graph's
/// Resources POST, paged with $top and $skipToken as the FirstPage/NextPage examples show. Sources in Examples/SOURCES.md.
/// </summary>
internal static partial class ArmVmLists
{
    public const string ResourceGraphApiVersion = "2024-04-01";

    private static readonly string ListAll = ArmExamples.ExampleBody("VirtualMachine_ListAll_MinimumSet_Gen.json", "200");
    private static readonly string ListInGroup = ArmExamples.ExampleBody("VirtualMachine_List_MinimumSet_Gen.json", "200");
    private static readonly string GraphPage = ArmExamples.ExampleBody("ResourcesFirstPageQuery.json", "200");

    // The columns a query may project that the emulator knows for a VM row.
    private static readonly string[] KnownColumns = ["id", "name", "type", "location", "resourceGroup", "subscriptionId", "vmId", "provisioningState", "timeCreated", "tags", "osType"];

    /// <summary>One page of a VM list of <paramref name="group"/> (null: the whole subscription) from <paramref name="skip"/>.</summary>
    public static JsonObject Page(ArmModel model, Uri baseUri, string path, string subscription, string? group, int skip)
    {
        var all = InScope(model, subscription, group).ToArray();
        var page = all.Skip(skip).Take(model.VmListPageSize).ToArray();
        var body = JsonNode.Parse(group is null ? ListAll : ListInGroup)!.AsObject();
        body["value"] = new JsonArray(page.Select(vm => (JsonNode)ArmExamples.Vm(vm)).ToArray());
        if (skip + page.Length < all.Length)
        {
            var next = $"{path}?api-version={ArmEmulator.ComputeApiVersion}&$skiptoken={skip + page.Length}";
            body["nextLink"] = new Uri(baseUri, next).AbsoluteUri;
        }
        else
        {
            body.Remove("nextLink");
        }

        return body;
    }

    /// <summary>
    /// One page of a Resource Graph query for VMs. The emulator runs no KQL: it answers queries whose text names the VM type,
    /// with the VMs of the body's subscriptions (all of them when none are given), each row holding the columns the query's
    /// last <c>project</c> names (all it knows without one); the client narrows to resource groups itself. Null for a query
    /// it cannot answer (400).
    /// </summary>
    public static JsonObject? Query(ArmModel model, JsonElement request)
    {
        var text = request.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString()! : string.Empty;
        if (!text.Contains("microsoft.compute/virtualmachines", StringComparison.OrdinalIgnoreCase)) return null;
        var subscriptions = request.TryGetProperty("subscriptions", out var s) && s.ValueKind == JsonValueKind.Array
            ? s.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : null;
        var top = 100;
        var skip = 0;
        if (request.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object)
        {
            if (options.TryGetProperty("$top", out var t) && t.TryGetInt32(out var topValue)) top = Math.Clamp(topValue, 1, 1000);
            if (options.TryGetProperty("$skipToken", out var token) && token.GetString() is { Length: > 0 } skipToken)
            {
                skip = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(skipToken)), CultureInfo.InvariantCulture);
            }
        }

        var columns = Projected(text);
        var all = model.Vms.Values
            .Where(vm => subscriptions is null or { Count: 0 } || subscriptions.Contains(Segment(vm.Id, 1)))
            .OrderBy(vm => vm.Id, StringComparer.OrdinalIgnoreCase).ToArray();
        var page = all.Skip(skip).Take(top).ToArray();
        var body = JsonNode.Parse(GraphPage)!.AsObject();
        body["totalRecords"] = all.Length;
        body["count"] = page.Length;
        body["data"] = new JsonArray(page.Select(vm => (JsonNode)Row(vm, columns)).ToArray());
        if (skip + page.Length < all.Length) body["$skipToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes((skip + page.Length).ToString(CultureInfo.InvariantCulture)));
        else body.Remove("$skipToken");
        return body;
    }

    private static IEnumerable<ArmVm> InScope(ArmModel model, string subscription, string? group) => model.Vms.Values
        .Where(vm => string.Equals(Segment(vm.Id, 1), subscription, StringComparison.OrdinalIgnoreCase)
            && (group is null || string.Equals(Segment(vm.Id, 3), group, StringComparison.OrdinalIgnoreCase)))
        .OrderBy(vm => vm.Id, StringComparer.OrdinalIgnoreCase);

    private static JsonObject Row(ArmVm vm, IReadOnlyList<string> columns)
    {
        var row = new JsonObject();
        foreach (var column in columns)
        {
            row[column] = column switch
            {
                "id" => vm.Id,
                "name" => vm.Name,
                "type" => "microsoft.compute/virtualmachines",
                "location" => vm.Location,
                "resourceGroup" => Segment(vm.Id, 3).ToLowerInvariant(),
                "subscriptionId" => Segment(vm.Id, 1),
                "vmId" => vm.VmId.ToString(),
                "provisioningState" => vm.ProvisioningState,
                "timeCreated" => vm.TimeCreated.ToString("O", CultureInfo.InvariantCulture),
                "tags" => new JsonObject(vm.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
                "osType" => vm.OsType,
                _ => null,
            };
        }

        return row;
    }

    // "| project id, name, vmId = tostring(properties.vmId)": the output column names, known ones only.
    private static IReadOnlyList<string> Projected(string query)
    {
        var match = ProjectClause().Matches(query).LastOrDefault();
        if (match is null) return KnownColumns;
        return match.Groups[1].Value.Split(',')
            .Select(c => c.Split('=')[0].Trim())
            .Where(c => KnownColumns.Contains(c, StringComparer.Ordinal))
            .ToArray();
    }

    private static string Segment(string id, int index) => id.Split('/', StringSplitOptions.RemoveEmptyEntries)[index];

    [GeneratedRegex(@"\|\s*project\s+([^|]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ProjectClause();
}
