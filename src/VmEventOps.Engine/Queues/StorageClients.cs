using System.Collections.Concurrent;
using Azure.Core;
using System.Data.Common;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Diagnostics;

namespace VmEventOps.Engine.Queues;

/// <summary>
/// Storage service clients, created once per process per account and shared by every runspace
/// (the SDK clients are thread-safe and hold the HTTP pipeline worth reusing).
/// </summary>
internal static class StorageClients
{
    // Keyed by connection string, or by service URI and credential instance (one per identity). PublicationOnly: a client
    // that could not be built is not kept (a Lazy of the default mode would answer with that exception for good).
    private static readonly ConcurrentDictionary<(string Target, TokenCredential? Credential), Lazy<QueueServiceClient>> QueueServices = new();
    private static readonly ConcurrentDictionary<(string Target, TokenCredential? Credential), Lazy<TableServiceClient>> TableServices = new();
    private static readonly ConcurrentDictionary<(string Target, TokenCredential? Credential), Lazy<BlobServiceClient>> BlobServices = new();

    /// <summary>The queue service for these options: a connection string wins; else a service URI or account name with a token credential.</summary>
    public static QueueServiceClient Queues(VmEventOptions options, TokenCredential? credential)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageConnectionString))
        {
            var connectionString = options.StorageConnectionString;
            return QueueServices.GetOrAdd((connectionString, null), k => new Lazy<QueueServiceClient>(() => new QueueServiceClient(k.Target, QueueOptions()), LazyThreadSafetyMode.PublicationOnly)).Value;
        }

        var uri = options.QueueServiceUri ?? AccountUri(options, "queue");
        var tokenCredential = credential ?? throw new ArgumentNullException(nameof(credential));
        return QueueServices.GetOrAdd((uri.AbsoluteUri, tokenCredential), _ => new Lazy<QueueServiceClient>(() => new QueueServiceClient(uri, tokenCredential, QueueOptions()), LazyThreadSafetyMode.PublicationOnly)).Value;
    }

    /// <summary>The table service for these options, chosen the same way as <see cref="Queues"/>.</summary>
    public static TableServiceClient Tables(VmEventOptions options, TokenCredential? credential)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageConnectionString))
        {
            var connectionString = options.StorageConnectionString;
            return TableServices.GetOrAdd((connectionString, null), k => new Lazy<TableServiceClient>(() => new TableServiceClient(k.Target, TableOptions()), LazyThreadSafetyMode.PublicationOnly)).Value;
        }

        var uri = options.TableServiceUri ?? AccountUri(options, "table");
        var tokenCredential = credential ?? throw new ArgumentNullException(nameof(credential));
        return TableServices.GetOrAdd((uri.AbsoluteUri, tokenCredential), _ => new Lazy<TableServiceClient>(() => new TableServiceClient(uri, tokenCredential, TableOptions()), LazyThreadSafetyMode.PublicationOnly)).Value;
    }

    /// <summary>
    /// The blob service of the same account, or null when the settings do not say where it is: a connection string that
    /// names its queue or table endpoint but not its blob endpoint (an emulator, a private endpoint), or service URIs
    /// without BlobServiceUri. Then nothing is derived: a request signed with the account's key never goes to a guessed host.
    /// </summary>
    public static BlobServiceClient? Blobs(VmEventOptions options, TokenCredential? credential)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageConnectionString))
        {
            var connectionString = options.StorageConnectionString;
            if (!NamesBlobEndpoint(connectionString)) return null;
            return BlobServices.GetOrAdd((connectionString, null), k => new Lazy<BlobServiceClient>(() => new BlobServiceClient(k.Target, BlobOptions()))).Value;
        }

        var uri = options.BlobServiceUri;
        if (uri is null)
        {
            if (options.QueueServiceUri is not null || string.IsNullOrWhiteSpace(options.StorageAccountName)) return null;
            uri = AccountUri(options, "blob");
        }

        var tokenCredential = credential ?? throw new ArgumentNullException(nameof(credential));
        return BlobServices.GetOrAdd((uri.AbsoluteUri, tokenCredential), _ => new Lazy<BlobServiceClient>(() => new BlobServiceClient(uri, tokenCredential, BlobOptions()))).Value;
    }

    // The blob endpoint is known when the string names it, when it is the emulator shorthand, or when it names no
    // endpoint at all (account, key and suffix: the SDK derives every endpoint the same way).
    private static bool NamesBlobEndpoint(string connectionString)
    {
        DbConnectionStringBuilder parts;
        try
        {
            parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            return false;
        }

        if (parts.ContainsKey("BlobEndpoint")) return true;
        if (parts.TryGetValue("UseDevelopmentStorage", out var development) && string.Equals(development as string, "true", StringComparison.OrdinalIgnoreCase)) return true;
        return !parts.ContainsKey("QueueEndpoint") && !parts.ContainsKey("TableEndpoint") && !parts.ContainsKey("FileEndpoint");
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
        if (string.IsNullOrWhiteSpace(options.StorageAccountName))
        {
            throw new VmEventOpsException(
                ErrorIds.StorageNotConfigured,
                VmErrorCategory.InvalidArgument,
                "Storage is not configured: set StorageConnectionString (VMEVENTOPS_STORAGECONNECTIONSTRING), or StorageAccountName or the service URIs for token authentication.",
                nameof(VmEventOptions.StorageConnectionString));
        }

        return new Uri($"https://{options.StorageAccountName}.{service}.core.windows.net/");
    }
}
