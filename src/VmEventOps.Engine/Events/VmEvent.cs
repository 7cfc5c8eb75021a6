namespace VmEventOps.Engine.Events;

/// <summary>One event read from a queue message, with the filter's verdict.</summary>
public sealed record VmEvent
{
    /// <summary>The event's id (not a dedupe key: one VM raises many events).</summary>
    public required string EventId { get; init; }

    /// <summary>Event Grid <c>eventType</c> or CloudEvents <c>type</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>The schema it arrived in.</summary>
    public required EventSchema Schema { get; init; }

    /// <summary>When Azure raised it.</summary>
    public DateTimeOffset? EventTime { get; init; }

    /// <summary>The resource the event is about, as written.</summary>
    public string? Subject { get; init; }

    /// <summary>Event Grid <c>topic</c> or CloudEvents <c>source</c>.</summary>
    public string? Topic { get; init; }

    /// <summary><c>data.operationName</c>, such as Microsoft.Compute/virtualMachines/write.</summary>
    public string? OperationName { get; init; }

    /// <summary><c>data.status</c>, such as Succeeded.</summary>
    public string? Status { get; init; }

    /// <summary>The VM's resource ID in canonical form, when the event is about exactly one VM.</summary>
    public string? VmResourceId { get; init; }

    /// <summary>The subscription of the resource.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>The resource group of the VM.</summary>
    public string? ResourceGroupName { get; init; }

    /// <summary>The VM's name.</summary>
    public string? VmName { get; init; }

    /// <summary><c>data.correlationId</c>: links the events of one deployment.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Who made the change, from the claims (UPN, name or app id), when present.</summary>
    public string? Caller { get; init; }

    /// <summary><c>data.tenantId</c>.</summary>
    public string? TenantId { get; init; }

    /// <summary>The event's JSON text exactly as it arrived.</summary>
    public required string Raw { get; init; }

    /// <summary>True when the filter lets it through to onboarding.</summary>
    public bool Accepted { get; init; }

    /// <summary>Why the filter rejected it (<see cref="RejectReasons"/>); null when accepted or not filtered.</summary>
    public string? RejectReason { get; init; }

    /// <summary>Created (a write: onboarding) or Deleted (a delete: offboarding).</summary>
    public VmEventKind Kind => string.Equals(EventType, EventFilter.ResourceDeleteSuccess, StringComparison.OrdinalIgnoreCase)
        && string.Equals(OperationName, EventFilter.VmDeleteOperation, StringComparison.OrdinalIgnoreCase) ? VmEventKind.Deleted : VmEventKind.Created;

    /// <summary>The parsed VM ID, for the engine.</summary>
    internal VmResourceId? ParsedVmId { get; init; }
}
