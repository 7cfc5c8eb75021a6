using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Events;

/// <summary>
/// Lets through only what onboarding is for: a successful Microsoft.Compute/virtualMachines/write
/// (ResourceWriteSuccess), or a successful Microsoft.Compute/virtualMachines/delete (ResourceDeleteSuccess, for
/// offboarding), on exactly a VM inside an allowed scope. Anyone who can write to the queue
/// can forge an event, so the scope check is not optional: with no scope configured it refuses to run.
/// </summary>
public sealed class EventFilter
{
    /// <summary>The event type of a successful resource write.</summary>
    public const string ResourceWriteSuccess = "Microsoft.Resources.ResourceWriteSuccess";

    /// <summary>The operation of a VM create or update.</summary>
    public const string VmWriteOperation = "Microsoft.Compute/virtualMachines/write";

    /// <summary>The event type of a successful resource delete (its data carries no resource body).</summary>
    public const string ResourceDeleteSuccess = "Microsoft.Resources.ResourceDeleteSuccess";

    /// <summary>The operation of a VM delete.</summary>
    public const string VmDeleteOperation = "Microsoft.Compute/virtualMachines/delete";

    /// <summary>Why nothing is accepted by a viewing filter without allowed scopes.</summary>
    public const string ScopeNotConfiguredMessage =
        "No allowed scope is configured, so no event can be trusted: set AllowedScopes (VMEVENTOPS_ALLOWEDSCOPES) to subscription or resource group IDs, or * to allow any.";

    private readonly IReadOnlyList<string> _scopes;

    /// <param name="allowedScopes">Subscription or resource group IDs, or <c>*</c>.</param>
    public EventFilter(IReadOnlyList<string> allowedScopes)
    {
        if (allowedScopes.Count == 0)
        {
            throw new VmEventOpsException(ErrorIds.ScopeNotConfigured, VmErrorCategory.InvalidArgument, ScopeNotConfiguredMessage, "AllowedScopes");
        }

        _scopes = allowedScopes;
    }

    private EventFilter() => _scopes = [];

    /// <summary>
    /// A filter for looking only (a peek, a conversion): with allowed scopes it is the workflow's; without, it accepts
    /// nothing and says <see cref="RejectReasons.ScopeNotConfigured"/>, so a queue can be looked into before it is set up.
    /// Only the workflow refuses to run without scopes.
    /// </summary>
    public static EventFilter ForViewing(IReadOnlyList<string> allowedScopes) => allowedScopes.Count == 0 ? new EventFilter() : new EventFilter(allowedScopes);

    /// <summary>True when no scope is configured (a viewing filter): every event is rejected as ScopeNotConfigured.</summary>
    public bool IsUnscoped => _scopes.Count == 0;

    /// <summary>The event with <see cref="VmEvent.Accepted"/> and <see cref="VmEvent.RejectReason"/> set.</summary>
    public VmEvent Apply(VmEvent vmEvent)
    {
        var reason = Reject(vmEvent);
        return vmEvent with { Accepted = reason is null, RejectReason = reason };
    }

    private string? Reject(VmEvent vmEvent)
    {
        var write = string.Equals(vmEvent.EventType, ResourceWriteSuccess, StringComparison.OrdinalIgnoreCase)
            && string.Equals(vmEvent.OperationName, VmWriteOperation, StringComparison.OrdinalIgnoreCase);
        var delete = string.Equals(vmEvent.EventType, ResourceDeleteSuccess, StringComparison.OrdinalIgnoreCase)
            && string.Equals(vmEvent.OperationName, VmDeleteOperation, StringComparison.OrdinalIgnoreCase);
        if (!write && !delete)
        {
            return RejectReasons.NotVmWrite;
        }

        if (vmEvent.Status is not null && !string.Equals(vmEvent.Status, "Succeeded", StringComparison.OrdinalIgnoreCase)) return RejectReasons.NotSucceeded;
        if (vmEvent.ParsedVmId is not { } vmId) return RejectReasons.NotAVirtualMachine;
        if (IsUnscoped) return RejectReasons.ScopeNotConfigured;
        return _scopes.Any(vmId.IsWithin) ? null : RejectReasons.OutOfScope;
    }
}
