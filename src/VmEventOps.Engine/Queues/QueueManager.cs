using System.Collections.Concurrent;
using System.Text;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Caching;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.Queues;

/// <summary>
/// The workflow's four queues (main, retry, succeeded, poison) in one storage account: peek,
/// receive with a lease, send, delete, move (send first, delete after: a crash in between leaves
/// the message in both queues, never in neither), lease renewal, and status.
/// </summary>
public sealed partial class QueueManager
{
    /// <summary>Azure's limit on messages per receive or peek.</summary>
    public const int MaxBatch = 32;

    /// <summary>The poison reason of a message too large to wrap in an envelope.</summary>
    public const string TooLargeReason = "TooLarge";

    /// <summary>The reason of an envelope whose claim-check blob is gone or does not hold what its name says.</summary>
    public static readonly string ClaimCheckMissingReason = RejectReasons.Malformed("ClaimCheckMissing");


    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly QueueServiceClient _service;
    private readonly VmEventOptions _options;
    private readonly IHostLog _log;
    private readonly TimeProvider _time;
    // Built on first use: a cmdlet that never meets a large message never builds a blob client (nor loads the blob SDK).
    private readonly Lazy<LargeMessageStore?> _large;

    // Queues known to exist: created on first use, once (the composition root shares it among the managers of an account).
    private readonly CreatedOnce _created;

    internal QueueManager(QueueServiceClient service, VmEventOptions options, IHostLog log, TimeProvider time, Func<LargeMessageStore?>? large = null, CreatedOnce? created = null)
    {
        _created = created ?? new CreatedOnce();
        _service = service;
        _options = options;
        _log = log;
        _time = time;
        _large = new Lazy<LargeMessageStore?>(large ?? (() => null), LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>Runs between the send and the delete of a move; tests use it to simulate a crash there.</summary>
    internal Func<CancellationToken, Task>? BetweenSendAndDelete { get; init; }

    /// <summary>True when originals too large to wrap can be kept in a blob (the settings say where the blob service is).</summary>
    public bool HasLargeMessageStore => _large.Value is not null;

    /// <summary>The configured name of a queue.</summary>
    public string NameOf(QueueKind kind) => QueueNames.For(kind, _options.Storage);

    /// <summary>Looks at up to 32 messages from the front of a queue without changing anything.</summary>
    public Task<IReadOnlyList<VmEventMessage>> PeekAsync(QueueKind kind, int maxMessages, EventFilter? filter, CancellationToken cancellationToken) =>
        ReadAsync(kind, "Peeking", filter, async queue =>
        {
            var peeked = await queue.PeekMessagesAsync(Math.Clamp(maxMessages, 1, MaxBatch), cancellationToken).ConfigureAwait(false);
            return peeked.Value.Select(m => (Stored(kind, queue, m.MessageId, m.InsertedOn, m.ExpiresOn, m.DequeueCount), m.Body.ToString()));
        }, cancellationToken);

    /// <summary>Receives up to 32 messages and hides them for <paramref name="lease"/>; each comes with its pop receipt.</summary>
    public Task<IReadOnlyList<VmEventMessage>> ReceiveAsync(QueueKind kind, int maxMessages, TimeSpan lease, EventFilter? filter, CancellationToken cancellationToken) =>
        ReadAsync(kind, "Receiving from", filter, async queue =>
        {
            var received = await queue.ReceiveMessagesAsync(Math.Clamp(maxMessages, 1, MaxBatch), lease, cancellationToken).ConfigureAwait(false);
            return received.Value.Select(m => (
                Stored(kind, queue, m.MessageId, m.InsertedOn, m.ExpiresOn, m.DequeueCount) with { NextVisibleOn = m.NextVisibleOn, PopReceipt = m.PopReceipt },
                m.Body.ToString()));
        }, cancellationToken);

    /// <summary>
    /// Reads every message of a queue. Azure peeks 32 at most, so paging means receiving: each
    /// message is hidden for <paramref name="lease"/> while the rest are read, then, unless
    /// <paramref name="keepLeases"/>, made visible again at once (its dequeue count has risen by one).
    /// </summary>
    public async Task<IReadOnlyList<VmEventMessage>> ReceiveAllAsync(QueueKind kind, TimeSpan lease, bool keepLeases, EventFilter? filter, CancellationToken cancellationToken)
    {
        var name = NameOf(kind);
        var total = await CountAsync(kind, cancellationToken).ConfigureAwait(false);
        var all = new List<VmEventMessage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var batch = await ReceiveAsync(kind, MaxBatch, lease, filter, cancellationToken).ConfigureAwait(false);
            var fresh = batch.Where(m => seen.Add(m.MessageId)).ToArray();
            if (fresh.Length == 0) break;
            all.AddRange(fresh);
            _log.Progress(new HostProgress(1, $"Reading queue {name}", $"{all.Count} of about {Math.Max(total, all.Count)} messages", total == 0 ? -1 : Math.Min(100, all.Count * 100 / Math.Max(total, all.Count))));
        }

        if (!keepLeases)
        {
            _log.Progress(new HostProgress(1, $"Reading queue {name}", $"Releasing {all.Count} messages"));
            await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (m, token) =>
                await ReleaseAsync(m, token).ConfigureAwait(false)).ConfigureAwait(false);
            all = all.Select(m => m with { PopReceipt = null, NextVisibleOn = null }).ToList();
        }

        _log.Progress(new HostProgress(1, $"Reading queue {name}", "Done", 100, Completed: true));
        return all;
    }

    /// <summary>Sends a message body to a queue (created if missing); returns the new message's id.</summary>
    public async Task<string> SendAsync(QueueKind kind, string body, TimeSpan? delay, CancellationToken cancellationToken)
    {
        var queue = Client(kind);
        if (Encoding.UTF8.GetByteCount(body) > MessageEnvelope.MaxMessageBytes)
        {
            throw new VmEventOpsException(ErrorIds.MessageTooLarge, VmErrorCategory.LimitsExceeded,
                $"The message is larger than the {MessageEnvelope.MaxMessageBytes}-byte queue limit; it was not sent to {queue.Name}.", queue.Name);
        }

        await EnsureExistsAsync(queue, cancellationToken).ConfigureAwait(false);
        try
        {
            var receipt = await queue.SendMessageAsync(body, delay, TimeToLive(kind), cancellationToken).ConfigureAwait(false);
            _log.Verbose($"Sent message {receipt.Value.MessageId} to {queue.Name}.");
            return receipt.Value.MessageId;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Sending to queue {queue.Name}", queue.Name);
        }
    }

    /// <summary>
    /// Encodes an event for the main queue as configured (base64, as Event Grid writes, or text). As text, every character a
    /// queue message cannot carry is written as its JSON escape (the same JSON, see <see cref="QueueText.EscapeJson"/>).
    /// </summary>
    public string EncodeForMainQueue(string json) =>
        _options.Storage.MessageEncoding == QueueMessageFormat.Base64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(json)) : QueueText.EscapeJson(json);

    /// <summary>Deletes a received message; false when it was already gone or another consumer holds it now.</summary>
    public async Task<bool> DeleteAsync(VmEventMessage message, CancellationToken cancellationToken)
    {
        var queue = Client(message.Queue);
        var popReceipt = message.PopReceipt ?? throw NotLeased(message);
        try
        {
            await queue.DeleteMessageAsync(message.MessageId, popReceipt, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 404 })
        {
            return false;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 400, ErrorCode: "PopReceiptMismatch" })
        {
            // The lease ran out and another consumer received the message since: it is theirs to complete now.
            _log.Warning($"Message {message.MessageId} in {queue.Name} is held by another consumer now (its lease ran out); it is left to them.");
            return false;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Deleting message {message.MessageId} from {queue.Name}", message.MessageId);
        }
    }

    /// <summary>
    /// Moves a received message: sends <paramref name="body"/> to <paramref name="destination"/>
    /// first and deletes the source only after that succeeded, so no failure in between loses it.
    /// Returns the new message's id.
    /// </summary>
    public async Task<string> MoveAsync(VmEventMessage message, QueueKind destination, string body, TimeSpan? delay, CancellationToken cancellationToken)
    {
        if (message.PopReceipt is null) throw NotLeased(message);
        var id = await SendAsync(destination, body, delay, cancellationToken).ConfigureAwait(false);
        await DeleteMovedAsync(message, destination, cancellationToken).ConfigureAwait(false);
        return id;
    }

    // The second half of a move: the original goes once its copy is in place (a test may crash the process in between).
    private async Task DeleteMovedAsync(VmEventMessage message, QueueKind destination, CancellationToken cancellationToken)
    {
        if (BetweenSendAndDelete is { } hook) await hook(cancellationToken).ConfigureAwait(false);
        if (!await DeleteAsync(message, cancellationToken).ConfigureAwait(false))
        {
            _log.Warning($"Message {message.MessageId} was already gone from {message.QueueName}, or held by another consumer, after it was copied to {NameOf(destination)}.");
        }
    }

    /// <summary>
    /// Puts <paramref name="body"/> in <paramref name="destination"/> while <paramref name="alongside"/> runs (the write that
    /// must be durable before the event may leave, such as its onboarding record); a received message is deleted only
    /// once both have completed. Either failing leaves the original where it is.
    /// </summary>
    public async Task<string> RouteAlongsideAsync(VmEventMessage message, QueueKind destination, string body, Task alongside, CancellationToken cancellationToken)
    {
        var sending = SendAsync(destination, body, delay: null, cancellationToken);
        await Task.WhenAll(sending, alongside).ConfigureAwait(false);
        var id = await sending.ConfigureAwait(false);
        if (message.PopReceipt is not null) await DeleteMovedAsync(message, destination, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// Puts <paramref name="body"/> in <paramref name="destination"/>: a move for a received message, a send for one the
    /// host already took off its queue (a Functions queue trigger completes it).
    /// </summary>
    public Task<string> RouteAsync(VmEventMessage message, QueueKind destination, string body, TimeSpan? delay, CancellationToken cancellationToken) =>
        message.PopReceipt is null ? SendAsync(destination, body, delay, cancellationToken) : MoveAsync(message, destination, body, delay, cancellationToken);

    /// <summary>Extends (or shortens) a lease; returns the message with its new pop receipt.</summary>
    public async Task<VmEventMessage> RenewLeaseAsync(VmEventMessage message, TimeSpan lease, CancellationToken cancellationToken)
    {
        var queue = Client(message.Queue);
        var popReceipt = message.PopReceipt ?? throw NotLeased(message);
        try
        {
            var receipt = await queue.UpdateMessageAsync(message.MessageId, popReceipt, message: (BinaryData?)null, lease, cancellationToken).ConfigureAwait(false);
            return message with { PopReceipt = receipt.Value.PopReceipt, NextVisibleOn = receipt.Value.NextVisibleOn };
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Renewing the lease on message {message.MessageId} in {queue.Name}", message.MessageId);
        }
    }

    /// <summary>The approximate number of messages in a queue (0 when it does not exist).</summary>
    public async Task<int> CountAsync(QueueKind kind, CancellationToken cancellationToken)
    {
        var queue = Client(kind);
        try
        {
            return (await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 404 })
        {
            return 0;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Reading queue {queue.Name}", queue.Name);
        }
    }

    /// <summary>One row per queue: count, oldest visible message, and health against <paramref name="thresholds"/>.</summary>
    public async Task<IReadOnlyList<QueueStatus>> GetStatusAsync(QueueHealthThresholds thresholds, CancellationToken cancellationToken) =>
        await Task.WhenAll(Enum.GetValues<QueueKind>().Select(kind => GetStatusAsync(kind, thresholds, cancellationToken))).ConfigureAwait(false);

    private async Task<QueueStatus> GetStatusAsync(QueueKind kind, QueueHealthThresholds thresholds, CancellationToken cancellationToken)
    {
        var queue = Client(kind);
        try
        {
            var properties = await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            var peeked = await queue.PeekMessagesAsync(1, cancellationToken).ConfigureAwait(false);
            var insertedOn = peeked.Value.FirstOrDefault()?.InsertedOn;
            var count = properties.Value.ApproximateMessagesCount;
            var (healthy, reason) = Judge(kind, count, thresholds);
            _log.Verbose($"Queue {queue.Name} ({kind}): about {count} message(s).");
            return new QueueStatus
            {
                Queue = kind,
                Name = queue.Name,
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
                Name = queue.Name,
                Exists = false,
                ApproximateCount = 0,
                Healthy = kind != QueueKind.Main,
                Reason = kind == QueueKind.Main ? "The queue does not exist: Event Grid has nowhere to deliver." : "Not created yet (created on first use).",
            };
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Reading queue {queue.Name}", queue.Name);
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

    private QueueClient Client(QueueKind kind) => _service.GetQueueClient(NameOf(kind));

    // Peek and receive differ only in the call; a missing queue holds nothing.
    private async Task<IReadOnlyList<VmEventMessage>> ReadAsync(
        QueueKind kind, string verb, EventFilter? filter, Func<QueueClient, Task<IEnumerable<(VmEventMessage Message, string Body)>>> read, CancellationToken cancellationToken)
    {
        var queue = Client(kind);
        try
        {
            var messages = (await read(queue).ConfigureAwait(false)).Select(m => MessageReader.Read(m.Message, m.Body, filter)).ToArray();
            for (var i = 0; i < messages.Length; i++)
            {
                if (messages[i].OriginalBlob is not null) messages[i] = await ResolveAsync(messages[i], filter, cancellationToken).ConfigureAwait(false);
            }

            return messages;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 404 })
        {
            _log.Verbose($"Queue {queue.Name} does not exist: nothing to read.");
            return [];
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"{verb} queue {queue.Name}", queue.Name);
        }
    }

    private static VmEventMessage Stored(QueueKind kind, QueueClient queue, string id, DateTimeOffset? insertedOn, DateTimeOffset? expiresOn, long dequeueCount) => new()
    {
        MessageId = id,
        Queue = kind,
        QueueName = queue.Name,
        InsertedOn = insertedOn,
        ExpiresOn = expiresOn,
        DequeueCount = dequeueCount,
        Body = string.Empty,
    };

    // Retry and poison messages must never disappear on their own; succeeded ones age out as configured.
    private TimeSpan? TimeToLive(QueueKind kind) => kind switch
    {
        QueueKind.Retry or QueueKind.Poison => NeverExpires,
        QueueKind.Succeeded => _options.Storage.SucceededMessageTtl,
        _ => null,
    };

    private async Task ReleaseAsync(VmEventMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await Client(message.Queue).UpdateMessageAsync(message.MessageId, message.PopReceipt!, message: (BinaryData?)null, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 404 })
        {
            // Deleted by someone else meanwhile: nothing to release.
        }
    }

    private async Task EnsureExistsAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        try
        {
            await _created.EnsureAsync(queue.Uri.AbsoluteUri, () => queue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Creating queue {queue.Name}", queue.Name);
        }
    }

    private static VmEventOpsException NotLeased(VmEventMessage message) => new(
        ErrorIds.MessageNotLeased,
        VmErrorCategory.InvalidOperation,
        $"Message {message.MessageId} in {message.QueueName} was peeked, not received: it has no lease (pop receipt) to delete or move it with. Receive it with -Lease first.",
        message.MessageId);
}
