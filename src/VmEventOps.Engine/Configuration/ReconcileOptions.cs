namespace VmEventOps.Engine.Configuration;

/// <summary>How the sweep lists VMs, when it takes a message for lost, and where Event Grid dead-letters. Part of <see cref="VmEventOptions"/>; each property is the setting of the same name.</summary>
public sealed record ReconcileOptions
{
    /// <summary>Where the sweep lists the VMs in scope: Arm (one list per subscription or resource group, every nextLink) or ResourceGraph (one Azure Resource Graph query for all scopes, cheaper on large estates).</summary>
    public VmInventorySource ReconcileSource { get; init; } = VmInventorySource.Arm;

    /// <summary>api-version of Azure Resource Graph queries (ReconcileSource ResourceGraph).</summary>
    public string ResourceGraphApiVersion { get; init; } = "2024-04-01";

    /// <summary>Pages of one scope's VM list (or of the Resource Graph query) the sweep reads at most; a longer list is reported incomplete, and no record of it is reported gone.</summary>
    public int ReconcileMaxPages { get; init; } = 1000;

    /// <summary>How long a VM's record may stay InProgress, or past its retry's due time, before the sweep takes its message for lost and queues the VM again.</summary>
    public TimeSpan ReconcileStaleAfter { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Blob container Event Grid dead-letters undeliverable events to (deploy/infra: eventgrid-deadletter); the sweep replays them.</summary>
    public string DeadLetterContainerName { get; init; } = "eventgrid-deadletter";
}
