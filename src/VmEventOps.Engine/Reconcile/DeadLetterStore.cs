using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Reconcile;

/// <summary>
/// Event Grid's dead-letter container (DeadLetterContainerName, as deploy/infra configures it): reads its blobs as events
/// and replays them. A replay holds the blob's lease (so two passes racing on one blob replay it once: the second finds
/// it leased and leaves it), reads which events were replayed from the blob's metadata, sends the others, and records each
/// in the metadata as it goes (vmeventopsreplayed: "all" once every event is sent). A crash between a send and its mark
/// sends that event again next time: at least once, and the workflow onboards a VM once however often it hears of it.
/// Blobs are never deleted or changed otherwise: an unreadable one is reported on every pass.
/// </summary>
public sealed class DeadLetterStore
{
    /// <summary>The metadata key of the replayed events: "all", or their indexes ("0,2").</summary>
    public const string ReplayedKey = "vmeventopsreplayed";

    /// <summary>The metadata key of when the last of them was replayed.</summary>
    public const string ReplayedOnKey = "vmeventopsreplayedon";

    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);
    private readonly BlobContainerClient _container;
    private readonly IHostLog _log;

    internal DeadLetterStore(BlobContainerClient container, IHostLog log)
    {
        _container = container;
        _log = log;
    }

    /// <summary>The container's name.</summary>
    public string ContainerName => _container.Name;

    /// <summary>
    /// The blobs of the container, oldest name first as the service lists them (a page at a time), each read as its events;
    /// replayed blobs only with <paramref name="includeReplayed"/>. A blob that cannot be read is handed to
    /// <paramref name="onUnreadable"/> with why. A container that does not exist has nothing to read.
    /// </summary>
    public async IAsyncEnumerable<VmEventDeadLetter> ReadAsync(bool includeReplayed, Action<string, string> onUnreadable, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var blob in ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var (replayed, all) = Replayed(blob.Metadata);
            if (all && !includeReplayed) continue;
            var (events, problem) = await ReadBlobAsync(blob.Name, null, replayed, all, cancellationToken).ConfigureAwait(false);
            if (events is null)
            {
                onUnreadable(blob.Name, problem!);
                continue;
            }

            foreach (var item in events)
            {
                if (includeReplayed || !item.Replayed) yield return item;
            }
        }
    }

    /// <summary>The blobs not replayed yet (by their metadata), a page at a time.</summary>
    public async IAsyncEnumerable<string> PendingAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var blob in ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!Replayed(blob.Metadata).All) yield return blob.Name;
        }
    }

    /// <summary>
    /// Replays one dead-lettered event (Send-VmEventMessage -DeadLetter) to <paramref name="destination"/>, encoded as
    /// the main queue expects, and marks it replayed: what was sent, or why nothing was (replayed before, being replayed
    /// by another pass, or a blob that is not events).
    /// </summary>
    public Task<DeadLetterReplay> ReplayAsync(VmEventDeadLetter deadLetter, QueueManager queues, QueueKind destination, CancellationToken cancellationToken) =>
        ReplayAsync(deadLetter.BlobName, new HashSet<int> { deadLetter.Index }, dryRun: false,
            (item, token) => queues.SendAsync(destination, queues.EncodeForMainQueue(item.Body), delay: null, token), cancellationToken);

    /// <summary>
    /// Replays the events of one blob that were not replayed yet (only those of <paramref name="only"/> when given) through
    /// <paramref name="send"/>, under the blob's lease, marking each in the metadata once sent. <paramref name="dryRun"/>: reads
    /// and reports what would be sent, sends and marks nothing, takes no lease.
    /// </summary>
    public async Task<DeadLetterReplay> ReplayAsync(string blobName, IReadOnlySet<int>? only, bool dryRun, Func<VmEventDeadLetter, CancellationToken, Task<string>> send, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(blobName);
        var lease = blob.GetBlobLeaseClient();
        string? leaseId = null;
        try
        {
            if (!dryRun)
            {
                try
                {
                    leaseId = (await lease.AcquireAsync(LeaseDuration, cancellationToken: cancellationToken).ConfigureAwait(false)).Value.LeaseId;
                }
                catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 409 })
                {
                    return new DeadLetterReplay { BlobName = blobName, Skipped = true, Reason = "LeasedByAnotherPass: another pass is replaying it now" };
                }
                catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 404 })
                {
                    return new DeadLetterReplay { BlobName = blobName, Skipped = true, Reason = "Gone: the blob no longer exists" };
                }
            }

            var conditions = leaseId is null ? null : new BlobRequestConditions { LeaseId = leaseId };
            var properties = await Call(() => blob.GetPropertiesAsync(conditions, cancellationToken), blobName, "Reading the properties of").ConfigureAwait(false);
            var metadata = new Dictionary<string, string>(properties.Value.Metadata, StringComparer.OrdinalIgnoreCase);
            var (replayed, all) = Replayed(metadata);
            if (all) return new DeadLetterReplay { BlobName = blobName, Skipped = true, Reason = "AlreadyReplayed" };

            var (events, problem) = await ReadBlobAsync(blobName, conditions, replayed, all, cancellationToken).ConfigureAwait(false);
            if (events is null) return new DeadLetterReplay { BlobName = blobName, Unreadable = true, Reason = problem };

            var sent = new List<(VmEventDeadLetter, string)>();
            var marked = new SortedSet<int>(replayed);
            foreach (var item in events.Where(e => !e.Replayed && (only is null || only.Contains(e.Index))))
            {
                if (dryRun)
                {
                    sent.Add((item, string.Empty));
                    continue;
                }

                var id = await send(item, cancellationToken).ConfigureAwait(false);
                sent.Add((item, id));
                marked.Add(item.Index);
                metadata[ReplayedKey] = marked.Count >= events.Count ? "all" : string.Join(',', marked);
                metadata[ReplayedOnKey] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                await Call(() => blob.SetMetadataAsync(metadata, conditions, cancellationToken), blobName, "Marking the replayed events of").ConfigureAwait(false);
            }

            return new DeadLetterReplay { BlobName = blobName, Sent = sent };
        }
        finally
        {
            if (leaseId is not null)
            {
                try
                {
                    await lease.ReleaseAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (AzureFailure.AsRequestFailure(e) is not null)
                {
                    _log.Verbose($"The lease of dead-letter blob {blobName} was not released ({e.Message}); it ends by itself within {LeaseDuration.TotalSeconds:0} s.");
                }
            }
        }
    }

    private async IAsyncEnumerable<BlobItem> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = _container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken).AsPages(pageSizeHint: 500).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                Azure.Page<BlobItem> page;
                try
                {
                    if (!await pages.MoveNextAsync().ConfigureAwait(false)) yield break;
                    page = pages.Current;
                }
                catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 404 })
                {
                    _log.Verbose($"The dead-letter container {_container.Name} does not exist: nothing was dead-lettered.");
                    yield break;
                }
                catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
                {
                    throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Listing the dead-letter container {_container.Name}", _container.Name);
                }

                foreach (var blob in page.Values) yield return blob;
            }
        }
        finally
        {
            await pages.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<(IReadOnlyList<VmEventDeadLetter>? Events, string? Problem)> ReadBlobAsync(string name, BlobRequestConditions? conditions, IReadOnlySet<int> replayed, bool all, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(name);
        string text;
        try
        {
            var properties = await blob.GetPropertiesAsync(conditions, cancellationToken).ConfigureAwait(false);
            if (properties.Value.ContentLength > DeadLetterParser.MaxBlobBytes) return (null, $"larger than {DeadLetterParser.MaxBlobBytes / (1024 * 1024)} MiB ({properties.Value.ContentLength} bytes)");
            var content = await blob.DownloadContentAsync(new BlobDownloadOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
            text = content.Value.Content.ToString();
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 404 })
        {
            return (null, "it no longer exists");
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Reading dead-letter blob {name}", name);
        }
        catch (FormatException e)
        {
            return (null, $"not UTF-8 text ({e.Message})");
        }

        return DeadLetterParser.Parse(_container.Name, name, text, replayed, all);
    }

    private static (IReadOnlySet<int> Indexes, bool All) Replayed(IDictionary<string, string>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue(ReplayedKey, out var value) || string.IsNullOrEmpty(value)) return (new HashSet<int>(), false);
        if (string.Equals(value, "all", StringComparison.OrdinalIgnoreCase)) return (new HashSet<int>(), true);
        return (value.Split(',').Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).Where(i => i >= 0).ToHashSet(), false);
    }

    private static async Task<T> Call<T>(Func<Task<T>> call, string blobName, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"{what} dead-letter blob {blobName}", blobName);
        }
    }
}
