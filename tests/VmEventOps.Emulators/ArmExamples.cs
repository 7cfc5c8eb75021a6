using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;

namespace VmEventOps.Emulators;

/// <summary>
/// The bodies the ARM emulator serves, each built from an official example (Examples/, sources in Examples/SOURCES.md):
/// the example's response body with the model's values put into the example's own properties. Every property the model
/// does not know stays as the example has it, so a client meets the whole real shape, not only what it reads.
/// </summary>
internal static class ArmExamples
{
    // Kept as text and parsed for each answer: a JsonNode is not safe to read from several requests at once.
    private static readonly string VmGet = Body("VirtualMachine_Get.json", "200");
    private static readonly string VmCreating = Body("VirtualMachine_Create_WithNetworkInterfaceConfiguration.json", "200");
    private static readonly string NicGet = Body("NetworkInterfaceGet.json", "200");
    private static readonly string JobCreated = Body("createJob.json", "201");
    private static readonly string JobGet = Body("getJob.json", "200");
    private static readonly string StreamList = Body("listJobStreamsByJob.json", "200");
    private static readonly string RunbookList = Body("listRunbooksByAutomationAccount.json", "200");
    private static readonly string Throttling = Load("compute-throttling-429.json").ToJsonString();

    /// <summary>Compute's documented throttling body: code and message at the top, no "error" wrapper.</summary>
    public static JsonNode ComputeThrottling() => JsonNode.Parse(Throttling)!;

    /// <summary>A VM as VirtualMachines_Get answers it; a VM in Creating as the create example shows it.</summary>
    public static JsonObject Vm(ArmVm vm)
    {
        var (subscription, group) = Scope(vm.Id);
        var creating = vm.ProvisioningState == "Creating";
        var body = Substitute(creating ? VmCreating : VmGet, ("{subscription-id}", subscription), ("myResourceGroup", group), ("myVM", vm.Name));
        body["name"] = vm.Name;
        body["id"] = vm.Id;
        body["location"] = vm.Location;
        if (vm.Tags.Count > 0) body["tags"] = new JsonObject(vm.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value))));
        else body.Remove("tags");
        var properties = body["properties"]!.AsObject();
        properties["vmId"] = vm.VmId.ToString();
        properties["provisioningState"] = vm.ProvisioningState;
        var osDisk = properties["storageProfile"]!["osDisk"]!.AsObject();
        osDisk["osType"] = vm.OsType;
        // The create example has no timeCreated yet; a VM that exists has one.
        if (!creating) properties["timeCreated"] = vm.TimeCreated.ToString("O", CultureInfo.InvariantCulture);
        // The example's own form of a NIC reference: the get example names one NIC without a primary flag, the create
        // example flags it; with several NICs ARM flags the primary one.
        var flagged = creating || vm.NicIds.Count > 1;
        properties["networkProfile"]!["networkInterfaces"] = new JsonArray(vm.NicIds.Select((id, i) => (JsonNode)(flagged
            ? new JsonObject { ["id"] = id, ["properties"] = new JsonObject { ["primary"] = i == 0 } }
            : new JsonObject { ["id"] = id })).ToArray());
        return body;
    }

    /// <summary>A NIC as NetworkInterfaces_Get answers it; a configuration without an address has no privateIPAddress yet.</summary>
    public static JsonObject Nic(ArmNic nic, string location)
    {
        var (subscription, group) = Scope(nic.Id);
        var name = nic.Id[(nic.Id.LastIndexOf('/') + 1)..];
        var body = Substitute(NicGet, ("/subscriptions/subid/", $"/subscriptions/{subscription}/"), ("/resourceGroups/rg1/", $"/resourceGroups/{group}/"), ("test-nic", name));
        body["location"] = location;
        var properties = body["properties"]!.AsObject();
        var template = properties["ipConfigurations"]![0]!.AsObject();
        var ready = nic.IpConfigurations.All(c => c.PrivateIpAddress is not null);
        properties["provisioningState"] = ready ? "Succeeded" : "Updating";
        properties["ipConfigurations"] = new JsonArray(nic.IpConfigurations.Select(c =>
        {
            var configuration = template.DeepClone().AsObject();
            configuration["name"] = c.Name;
            configuration["id"] = $"{nic.Id}/ipConfigurations/{c.Name}";
            var p = configuration["properties"]!.AsObject();
            p["provisioningState"] = c.PrivateIpAddress is null ? "Updating" : "Succeeded";
            if (c.PrivateIpAddress is null) p.Remove("privateIPAddress");
            else p["privateIPAddress"] = c.PrivateIpAddress;
            if (c.PrivateIpAddress?.Contains('/') == true) p["privateIPAddressPrefixLength"] = int.Parse(c.PrivateIpAddress.Split('/')[1], CultureInfo.InvariantCulture);
            if (c.PublicIpAddressId is null) p.Remove("publicIPAddress");
            else p["publicIPAddress"] = new JsonObject { ["id"] = c.PublicIpAddressId };
            p["primary"] = c.Primary;
            return (JsonNode)configuration;
        }).ToArray());
        properties["primary"] = nic.Primary;
        properties["virtualMachine"] = new JsonObject { ["id"] = nic.VmId };
        return body;
    }

    /// <summary>A job as Job_Create (201) or Job_Get answers it.</summary>
    public static JsonObject Job(ArmJob job, bool created)
    {
        var body = Parse(created ? JobCreated : JobGet);
        body["id"] = job.Id;
        body["name"] = job.Name;
        var p = body["properties"]!.AsObject();
        var modified = (job.EndTime ?? job.StartTime ?? job.CreationTime).ToString("O", CultureInfo.InvariantCulture);
        p["jobId"] = job.JobId.ToString();
        p["runbook"] = new JsonObject { ["name"] = job.Runbook };
        p["provisioningState"] = job.IsTerminal ? "Succeeded" : "Processing";
        p["creationTime"] = job.CreationTime.ToString("O", CultureInfo.InvariantCulture);
        p["startTime"] = job.StartTime?.ToString("O", CultureInfo.InvariantCulture);
        p["endTime"] = job.EndTime?.ToString("O", CultureInfo.InvariantCulture);
        p["lastModifiedTime"] = modified;
        p["lastStatusModifiedTime"] = modified;
        p["exception"] = job.Status == job.Script.FinalStatus ? job.Script.Exception : null;
        p["status"] = job.Status;
        p["parameters"] = new JsonObject(job.Parameters.Select(x => KeyValuePair.Create(x.Key, (JsonNode?)JsonValue.Create(x.Value))));
        p["runOn"] = job.RunOn;
        return body;
    }

    /// <summary>One page of JobStream_ListByJob: its records and the link to the next page (null on the last).</summary>
    public static JsonObject StreamPage(ArmJob job, IEnumerable<(int Index, string Type, string Text)> records, string? nextLink)
    {
        var body = Parse(StreamList);
        var template = body["value"]![0]!.AsObject();
        body["value"] = new JsonArray(records.Select(r =>
        {
            var record = template.DeepClone().AsObject();
            var id = $"{job.JobId}_{job.CreationTime.UtcTicks:D20}_{r.Index + 1:D20}";
            record["id"] = $"{job.Id}/streams/{id}";
            var p = record["properties"]!.AsObject();
            p["jobStreamId"] = id;
            // As in the example, Automation gives an output record no summary; an error record's summary is its text.
            p["summary"] = r.Type == "Output" ? null : r.Text;
            p["time"] = job.CreationTime.AddMilliseconds(r.Index).ToString("O", CultureInfo.InvariantCulture);
            p["streamType"] = r.Type;
            return (JsonNode)record;
        }).ToArray());
        body["nextLink"] = nextLink;
        return body;
    }

    /// <summary>One page of Runbook_ListByAutomationAccount: the example's first record as the template of each runbook, and the link to the next page (none on the last).</summary>
    public static JsonObject RunbookPage(IEnumerable<ArmRunbook> runbooks, string? nextLink)
    {
        var body = Parse(RunbookList);
        var template = body["value"]![0]!.AsObject();
        body["value"] = new JsonArray(runbooks.Select(r =>
        {
            var record = template.DeepClone().AsObject();
            record["id"] = r.Id;
            record["name"] = r.Name;
            var p = record["properties"]!.AsObject();
            p["runbookType"] = r.RunbookType;
            p["state"] = r.State;
            return (JsonNode)record;
        }).ToArray());
        // As the example: the last page carries no nextLink at all.
        if (nextLink is not null) body["nextLink"] = nextLink;
        return body;
    }

    private static (string Subscription, string Group) Scope(string id)
    {
        var segments = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (segments[1], segments[3]);
    }

    private static JsonObject Substitute(string template, params (string From, string To)[] replacements)
    {
        var text = template;
        foreach (var (from, to) in replacements) text = text.Replace(from, to, StringComparison.Ordinal);
        return Parse(text);
    }

    private static JsonObject Parse(string text) => JsonNode.Parse(text)!.AsObject();

    private static string Body(string file, string status) => Load(file)["responses"]![status]!["body"]!.ToJsonString();

    /// <summary>The response body of an embedded example, as text.</summary>
    internal static string ExampleBody(string file, string status) => Body(file, status);

    private static JsonNode Load(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Examples." + file)
            ?? throw new InvalidOperationException($"The example {file} is not embedded in the emulator.");
        return JsonNode.Parse(stream)!;
    }
}
