using System.Management.Automation;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Reads Event Grid or CloudEvents VM events from queue message bodies and says whether each is one to onboard.</para>
/// <para type="description">Accepts a message body as text (raw JSON or base64 JSON, one event or an array of events) or an
/// event that PowerShell already decoded (a hashtable or object, as the Functions PowerShell worker hands a queue item over).
/// Writes one VmEvent per event, with Accepted and RejectReason from the filter: only a successful
/// Microsoft.Compute/virtualMachines/write (ResourceWriteSuccess) on exactly a VM inside an allowed scope is accepted.
/// Reject reasons: NotVmWrite, NotSucceeded, NotAVirtualMachine, OutOfScope, ScopeNotConfigured.</para>
/// <para type="description">Input that is not an event gives a non-terminating error with ErrorId VmEventMalformed and the
/// reason (Malformed:NotJson, Malformed:InvalidJson, Malformed:InvalidUnicode, Malformed:TooDeep, ...); the pipeline goes
/// on. With no allowed scope configured (AllowedScopes or -AllowedScope), every event is shown as not accepted, reason
/// ScopeNotConfigured, with one warning; only the workflow refuses to run then.</para>
/// <example>
///   <code>Get-Content ./event.json -Raw | ConvertFrom-VmEvent -AllowedScope '/subscriptions/00000000-0000-0000-0000-000000000000'</code>
///   <para>Reads a saved event and shows whether it would be onboarded.</para>
/// </example>
/// <example>
///   <code>param($QueueItem) $vmEvent = $QueueItem | ConvertFrom-VmEvent</code>
///   <para>In a PowerShell Azure Function with a queue trigger: reads the decoded queue item, with the allowed scopes from app settings.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "VmEvent")]
[OutputType(typeof(VmEvent))]
public sealed class ConvertFromVmEventCommand : ConfiguredCmdlet
{
    /// <summary>
    /// <para type="description">A queue message body (text: raw or base64 JSON, one event or an array), or an event as a
    /// hashtable or object.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    public object? InputObject { get; set; }

    /// <summary>
    /// <para type="description">Scopes whose VMs are accepted: subscription or resource group IDs, or * for any. Overrides the
    /// AllowedScopes setting.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? AllowedScope { get; set; }

    private EventFilter? _filter;

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        _filter ??= CreateFilter();
        var input = InputObject is PSObject wrapped ? wrapped.BaseObject : InputObject;
        var result = input is string text ? EventParser.Parse(text) : FromObject(PlainObjectConverter.Convert(InputObject));
        foreach (var vmEvent in result.Events) WriteObject(_filter.Apply(vmEvent));
        foreach (var failure in result.Failures)
        {
            var where = failure.Index is null ? "The input" : $"Item {failure.Index} of the input";
            WriteFailure(new VmEventOpsException(ErrorIds.EventMalformed, VmErrorCategory.InvalidData, $"{where} is not an event: {failure.Reason}.", failure.Reason));
        }
    }

    /// <inheritdoc />
    private protected override bool ResolvesKeyVaultReferences => false; // only AllowedScopes is read

    private static EventParseResult FromObject(PlainGraph graph) => graph.TooDeep
        ? new EventParseResult([], [new EventParseFailure(null, EventObjectParser.TooDeep)])
        : EventObjectParser.Parse(graph.Value!);

    private EventFilter CreateFilter()
    {
        var parameters = new SettingOverrides().Set(o => o.AllowedScopes, AllowedScope);
        var filter = EventFilter.ForViewing(LoadConfiguration(parameters).Options.Onboarding.AllowedScopes);
        if (filter.IsUnscoped) WriteWarning($"{EventFilter.ScopeNotConfiguredMessage} Each event is shown with Accepted = False (ScopeNotConfigured).");
        return filter;
    }
}
