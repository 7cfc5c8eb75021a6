using Azure.Storage.Queues;
using VmEventOps.Engine.Azure;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Diagnostics;

namespace VmEventOps.Engine.Queues;

/// <summary>The workflow's four queues (main, retry, succeeded, poison) in one storage account.</summary>
public sealed class QueueManager
{
    private readonly QueueServiceClient _service;
    private readonly VmEventOptions _options;
    private readonly IHostLog _log;
    private readonly TimeProvider _time;

    internal QueueManager(QueueServiceClient service, VmEventOptions options, IHostLog log, TimeProvider time)
    {
        _service = service;
        _options = options;
        _log = log;
        _time = time;
    }

    /// <summary>The queue manager for these options, on the process-wide storage client.</summary>
    public static QueueManager Create(VmEventOptions options, IHostLog log) =>
        new(StorageClients.Queues(options, credential: null), options, log, TimeProvider.System);

    /// <summary>One row per queue: count, oldest visible message, and health against <paramref name="thresholds"/>.</summary>
    public async Task<IReadOnlyList<QueueStatus>> GetStatusAsync(QueueHealthThresholds thresholds, CancellationToken cancellationToken)
    {
        var kinds = Enum.GetValues<QueueKind>();
        return await Task.WhenAll(kinds.Select(kind => GetStatusAsync(kind, thresholds, cancellationToken))).ConfigureAwait(false);
    }

    private async Task<QueueStatus> GetStatusAsync(QueueKind kind, QueueHealthThresholds thresholds, CancellationToken cancellationToken)
    {
        var name = QueueNames.For(kind, _options);
        var queue = _service.GetQueueClient(name);
        try
        {
            var properties = await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            var peeked = await queue.PeekMessagesAsync(1, cancellationToken).ConfigureAwait(false);
            var insertedOn = peeked.Value.FirstOrDefault()?.InsertedOn;
            var count = properties.Value.ApproximateMessagesCount;
            var (healthy, reason) = Judge(kind, count, thresholds);
            _log.Verbose($"Queue {name} ({kind}): about {count} message(s).");
            return new QueueStatus
            {
                Queue = kind,
                Name = name,
                Exists = true,
                ApproximateCount = count,
                OldestMessageAge = insertedOn is null ? null : _time.GetUtcNow() - insertedOn.Value,
                Healthy = healthy,
                Reason = reason,
            };
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 404 })
        {
            // Event Grid cannot deliver without the main queue; the others are created on first use.
            return new QueueStatus
            {
                Queue = kind,
                Name = name,
                Exists = false,
                ApproximateCount = 0,
                Healthy = kind != QueueKind.Main,
                Reason = kind == QueueKind.Main ? "The queue does not exist: Event Grid has nowhere to deliver." : "Not created yet (created on first use).",
            };
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Reading queue {name}", name);
        }
    }

    private static (bool Healthy, string Reason) Judge(QueueKind kind, int count, QueueHealthThresholds thresholds) => kind switch
    {
        QueueKind.Retry when count > thresholds.Retry => (false, $"{count} message(s) waiting for retry, more than {thresholds.Retry}."),
        QueueKind.Poison when count > thresholds.Poison => (false, $"{count} message(s) in poison, more than {thresholds.Poison}."),
        QueueKind.Retry => (true, $"Within the threshold of {thresholds.Retry}."),
        QueueKind.Poison => (true, count == 0 ? "Empty." : $"Within the threshold of {thresholds.Poison}."),
        _ => (true, "OK."),
    };
}
