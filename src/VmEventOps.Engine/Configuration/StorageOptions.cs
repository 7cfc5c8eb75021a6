namespace VmEventOps.Engine.Configuration;

/// <summary>Where messages and state live: the storage account, its queues, table and blob containers. Part of <see cref="VmEventOptions"/>; each property is the setting of the same name.</summary>
public sealed record StorageOptions
{
    /// <summary>Storage connection string (Azurite or local work). Wins over account name and service URIs.</summary>
    public string? StorageConnectionString { get; init; }

    /// <summary>Storage account name, for token authentication against the public cloud endpoints.</summary>
    public string? StorageAccountName { get; init; }

    /// <summary>Queue service URI, for token authentication (sovereign clouds, private endpoints).</summary>
    public Uri? QueueServiceUri { get; init; }

    /// <summary>Table service URI, for token authentication (sovereign clouds, private endpoints).</summary>
    public Uri? TableServiceUri { get; init; }

    /// <summary>Blob service URI, for token authentication: where originals too large to wrap in an envelope are kept (claim check). From StorageAccountName when empty.</summary>
    public Uri? BlobServiceUri { get; init; }

    /// <summary>Blob container of originals too large to wrap in an envelope (claim check): the envelope points at the blob, nothing is cut.</summary>
    public string LargeMessageContainerName { get; init; } = "vm-events-large";

    /// <summary>Main queue that Event Grid writes to.</summary>
    public string QueueName { get; init; } = "vm-events";

    /// <summary>Queue of messages waiting for another attempt.</summary>
    public string RetryQueueName { get; init; } = "vm-events-retry";

    /// <summary>Queue of onboarded events, with their result.</summary>
    public string SucceededQueueName { get; init; } = "vm-events-succeeded";

    /// <summary>Queue of bad messages and exhausted attempts, with every reason.</summary>
    public string PoisonQueueName { get; init; } = "vm-events-poison";

    /// <summary>How messages sent to the main queue are encoded: Base64 (as Event Grid writes, and the Functions host.json expects) or Text.</summary>
    public QueueMessageFormat MessageEncoding { get; init; } = QueueMessageFormat.Base64;

    /// <summary>How long a message in the succeeded queue is kept (retry and poison messages never expire).</summary>
    public TimeSpan SucceededMessageTtl { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Table holding one onboarding state record per VM.</summary>
    public string StateTableName { get; init; } = "VmOnboardingState";

    /// <summary>Storage hosts outside the cloud's own (*.queue.core.windows.net, ...) that may receive Storage tokens with token authentication (a custom domain, an emulator), comma-separated: host, *.domain, host:port. A loopback host only when listed.</summary>
    public IReadOnlyList<string> StorageAllowedHosts { get; init; } = [];

    /// <summary>Names the type only: some of these settings are secrets.</summary>
    public override string ToString() => "StorageOptions { values not shown }";
}
