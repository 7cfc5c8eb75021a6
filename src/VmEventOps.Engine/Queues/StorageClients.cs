using System.Collections.Concurrent;
using Azure.Core;
using Azure.Data.Tables;
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
    private static readonly ConcurrentDictionary<string, Lazy<QueueServiceClient>> QueueServices = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Lazy<TableServiceClient>> TableServices = new(StringComparer.Ordinal);

    /// <summary>The queue service for these options: a connection string wins; else a service URI or account name with a token credential.</summary>
    public static QueueServiceClient Queues(VmEventOptions options, TokenCredential? credential)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageConnectionString))
        {
            var connectionString = options.StorageConnectionString;
            return QueueServices.GetOrAdd(connectionString, c => new Lazy<QueueServiceClient>(() => new QueueServiceClient(c, QueueOptions()))).Value;
        }

        var uri = options.QueueServiceUri ?? AccountUri(options, "queue");
        var tokenCredential = credential ?? throw NoCredential();
        return QueueServices.GetOrAdd("uri:" + uri, _ => new Lazy<QueueServiceClient>(() => new QueueServiceClient(uri, tokenCredential, QueueOptions()))).Value;
    }

    /// <summary>The table service for these options, chosen the same way as <see cref="Queues"/>.</summary>
    public static TableServiceClient Tables(VmEventOptions options, TokenCredential? credential)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageConnectionString))
        {
            var connectionString = options.StorageConnectionString;
            return TableServices.GetOrAdd(connectionString, c => new Lazy<TableServiceClient>(() => new TableServiceClient(c, TableOptions()))).Value;
        }

        var uri = options.TableServiceUri ?? AccountUri(options, "table");
        var tokenCredential = credential ?? throw NoCredential();
        return TableServices.GetOrAdd("uri:" + uri, _ => new Lazy<TableServiceClient>(() => new TableServiceClient(uri, tokenCredential, TableOptions()))).Value;
    }

    // Azure.Core retries transient failures (429, 5xx, connection errors, Retry-After honoured); the
    // storage default of 5 retries keeps a cmdlet waiting half a minute on a dead endpoint.
    private static QueueClientOptions QueueOptions() => Configure(new QueueClientOptions());

    private static TableClientOptions TableOptions() => Configure(new TableClientOptions());

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

    private static VmEventOpsException NoCredential() => new(
        ErrorIds.StorageNotConfigured,
        VmErrorCategory.InvalidArgument,
        "Token authentication to storage is not available in this version: set StorageConnectionString (VMEVENTOPS_STORAGECONNECTIONSTRING).",
        nameof(VmEventOptions.StorageConnectionString));
}
