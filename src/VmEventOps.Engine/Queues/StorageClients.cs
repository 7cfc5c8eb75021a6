using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Identity;

namespace VmEventOps.Engine.Queues;

/// <summary>
/// Builds the storage service clients of the settings. The composition root (<see cref="Hosting.EngineHost"/>) builds each
/// once per account and identity and shares it with every runspace (the SDK clients are thread-safe and hold the HTTP
/// pipeline worth reusing).
/// </summary>
internal static class StorageClients
{
    /// <summary>The queue service for these options: a connection string wins; else a service URI or account name with a token credential.</summary>
    public static QueueServiceClient Queues(VmEventOptions options, TokenCredential? credential)
    {
        if (!string.IsNullOrWhiteSpace(options.Storage.StorageConnectionString))
        {
            return FromConnectionString("queue", () => new QueueServiceClient(options.Storage.StorageConnectionString, QueueOptions()));
        }

        var uri = options.Storage.QueueServiceUri ?? AccountUri(options, "queue");
        TokenTargetPolicy.RequireStorage(uri, options.Storage.QueueServiceUri is null ? nameof(VmEventOptions.StorageAccountName) : nameof(VmEventOptions.QueueServiceUri), "queue", options);
        var tokenCredential = credential ?? throw new ArgumentNullException(nameof(credential));
        return new QueueServiceClient(uri, tokenCredential, QueueOptions());
    }

    /// <summary>The table service for these options, chosen the same way as <see cref="Queues"/>.</summary>
    public static TableServiceClient Tables(VmEventOptions options, TokenCredential? credential)
    {
        if (!string.IsNullOrWhiteSpace(options.Storage.StorageConnectionString))
        {
            return FromConnectionString("table", () => new TableServiceClient(options.Storage.StorageConnectionString, TableOptions()));
        }

        var uri = options.Storage.TableServiceUri ?? AccountUri(options, "table");
        TokenTargetPolicy.RequireStorage(uri, options.Storage.TableServiceUri is null ? nameof(VmEventOptions.StorageAccountName) : nameof(VmEventOptions.TableServiceUri), "table", options);
        var tokenCredential = credential ?? throw new ArgumentNullException(nameof(credential));
        return new TableServiceClient(uri, tokenCredential, TableOptions());
    }

    /// <summary>
    /// The blob service of the same account, or null when the settings do not say where it is: a connection string that
    /// names its queue or table endpoint but not its blob endpoint (an emulator, a private endpoint), or service URIs
    /// without BlobServiceUri. Then nothing is derived: a request signed with the account's key never goes to a guessed host.
    /// </summary>
    public static BlobServiceClient? Blobs(VmEventOptions options, TokenCredential? credential)
    {
        if (!string.IsNullOrWhiteSpace(options.Storage.StorageConnectionString))
        {
            var connectionString = options.Storage.StorageConnectionString;
            if (!StorageConnectionStringFormat.NamesBlobEndpoint(connectionString)) return null;
            return FromConnectionString("blob", () => new BlobServiceClient(connectionString, BlobOptions()));
        }

        var uri = options.Storage.BlobServiceUri;
        if (uri is null)
        {
            if (options.Storage.QueueServiceUri is not null || string.IsNullOrWhiteSpace(options.Storage.StorageAccountName)) return null;
            uri = AccountUri(options, "blob");
        }

        TokenTargetPolicy.RequireStorage(uri, options.Storage.BlobServiceUri is null ? nameof(VmEventOptions.StorageAccountName) : nameof(VmEventOptions.BlobServiceUri), "blob", options);
        var tokenCredential = credential ?? throw new ArgumentNullException(nameof(credential));
        return new BlobServiceClient(uri, tokenCredential, BlobOptions());
    }

    // The loader checked the string by the SDKs' rules (StorageConnectionStringFormat); should a client still refuse it,
    // the setting is named and its exception, which may quote the string, stays here.
    private static T FromConnectionString<T>(string service, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new VmEventOpsException(
                ErrorIds.InvalidSettingValue,
                VmErrorCategory.InvalidArgument,
                $"StorageConnectionString is not a connection string the Azure Storage {service} client reads: expected AccountName and AccountKey, a SharedAccessSignature with the {service} endpoint, or UseDevelopmentStorage=true (in lower case).",
                nameof(VmEventOptions.StorageConnectionString));
        }
    }

    // Azure.Core retries transient failures (429, 5xx, connection errors, Retry-After honoured); the
    // storage default of 5 retries keeps a cmdlet waiting half a minute on a dead endpoint.
    private static QueueClientOptions QueueOptions() => Configure(new QueueClientOptions());

    private static TableClientOptions TableOptions() => Configure(new TableClientOptions());

    private static BlobClientOptions BlobOptions() => Configure(new BlobClientOptions());

    private static T Configure<T>(T options) where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        return options;
    }

    private static Uri AccountUri(VmEventOptions options, string service)
    {
        if (string.IsNullOrWhiteSpace(options.Storage.StorageAccountName))
        {
            throw new VmEventOpsException(
                ErrorIds.StorageNotConfigured,
                VmErrorCategory.InvalidArgument,
                "Storage is not configured: set StorageConnectionString (VMEVENTOPS_STORAGECONNECTIONSTRING), or StorageAccountName or the service URIs for token authentication.",
                nameof(VmEventOptions.StorageConnectionString));
        }

        // The account's endpoint in the configured cloud (core.windows.net, core.chinacloudapi.cn, core.usgovcloudapi.net).
        var suffixes = AzureCloud.From(options).StorageSuffixes;
        var suffix = suffixes.Count > 0 ? suffixes[0] : AzureCloud.Public.StorageSuffixes[0];
        return new Uri($"https://{options.Storage.StorageAccountName}.{service}.{suffix}/");
    }
}
