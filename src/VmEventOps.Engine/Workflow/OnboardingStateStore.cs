using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Caching;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// The onboarding state table: one row per VM (partition: subscription; row: a hash of the normalised VM id, as
/// table keys may not hold '/'), written with ETag concurrency so two workers racing on one VM claim it once.
/// </summary>
public sealed class OnboardingStateStore
{
    private readonly TableClient _table;
    private readonly CreatedOnce _created;

    // The composition root shares the tables known to exist among the stores of an account (one creation per process).
    internal OnboardingStateStore(TableClient table, CreatedOnce? created = null)
    {
        _table = table;
        _created = created ?? new CreatedOnce();
    }

    /// <summary>The VM's record, or null.</summary>
    public async Task<OnboardingState?> GetAsync(VmResourceId vm, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entity = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(vm), Row(vm), cancellationToken: cancellationToken).ConfigureAwait(false);
            return entity.HasValue ? Read(entity.Value!) : null;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Reading the onboarding state of {vm.Name}", vm.Value);
        }
    }

    /// <summary>Every record, optionally of one state.</summary>
    public async Task<IReadOnlyList<OnboardingState>> ListAsync(OnboardingStatus? state, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var filter = state is null ? null : TableClient.CreateQueryFilter($"State eq {state.ToString()}");
        var list = new List<OnboardingState>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false)) list.Add(Read(entity));
        return list;
    }

    /// <summary>
    /// The records of many VMs (those that have one), read with few requests: per subscription, up to 14 rows a query (a table
    /// filter allows 15 comparisons: the partition and 14 rows), at most 8 queries at a time. For a page of a VM list.
    /// </summary>
    public async Task<IReadOnlyDictionary<VmResourceId, OnboardingState>> GetManyAsync(IReadOnlyList<VmResourceId> vms, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var byRow = vms.DistinctBy(v => v.Key).ToDictionary(Row, v => v, StringComparer.Ordinal);
        var batches = vms.DistinctBy(v => v.Key).GroupBy(Partition).SelectMany(g => g.Chunk(14).Select(chunk => (Partition: g.Key, Rows: chunk.Select(Row).ToArray()))).ToArray();
        var found = new System.Collections.Concurrent.ConcurrentDictionary<VmResourceId, OnboardingState>();
        try
        {
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (batch, token) =>
            {
                var rows = string.Join(" or ", batch.Rows.Select(r => $"RowKey eq '{r}'"));
                var filter = $"PartitionKey eq '{batch.Partition}' and ({rows})";
                await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: token).ConfigureAwait(false))
                {
                    if (byRow.TryGetValue(entity.RowKey, out var vm)) found[vm] = Read(entity);
                }
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Reading the onboarding state of {vms.Count} VM(s)", _table.Name);
        }

        return found;
    }

    /// <summary>Every record of one subscription, streamed page by page (the table's own paging), none kept here.</summary>
    public async IAsyncEnumerable<OnboardingState> ListSubscriptionAsync(Guid subscriptionId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {subscriptionId.ToString("D")}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false)) yield return Read(entity);
    }

    /// <summary>The row key of a VM's record (a hash of its normalised ID): a compact key for "seen in the list".</summary>
    public static string RowKeyOf(VmResourceId vm) => Row(vm);

    /// <summary>
    /// Writes <paramref name="state"/>: inserts when <paramref name="previous"/> is null, else replaces it only if its
    /// ETag still holds. False when another writer got there first (the caller re-reads and decides again).
    /// </summary>
    public async Task<OnboardingState?> TryWriteAsync(VmResourceId vm, OnboardingState state, OnboardingState? previous, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(Partition(vm), Row(vm))
        {
            ["VmResourceId"] = state.VmResourceId,
            ["VmId"] = state.VmId?.ToString("D"),
            ["State"] = state.State.ToString(),
            ["Attempts"] = state.Attempts,
            ["JobId"] = state.JobId?.ToString("D"),
            ["LastError"] = state.LastError is { Length: > 2000 } error ? error[..2000] : state.LastError,
            ["FirstSeen"] = state.FirstSeen ?? previous?.FirstSeen ?? DateTimeOffset.UtcNow,
            ["UpdatedOn"] = DateTimeOffset.UtcNow,
            ["NextAttemptOn"] = state.NextAttemptOn,
            ["ClaimedBy"] = state.ClaimedBy,
            ["TraceId"] = state.TraceId ?? previous?.TraceId,
            // A write that brings no facts keeps the last known ones (the offboarding of a deleted VM needs them).
            ["Vm"] = (state.Vm ?? previous?.Vm) is { } facts ? JsonSerializer.Serialize(ForStorage(facts), OnboardingHistoryJson.Default.VmNetworkInfo) : null,
            ["Rule"] = state.Rule ?? previous?.Rule,
            // A write that brings no history keeps the one before (a claim, a record written by an older version).
            ["History"] = JsonSerializer.Serialize(state.History.Count > 0 ? state.History : previous?.History ?? [], OnboardingHistoryJson.Default.IReadOnlyListOnboardingAttempt),
        };
        try
        {
            var response = previous?.ETag is { } etag
                ? await _table.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)
                : await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return Read(entity) with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 409 or 412 })
        {
            return null; // someone else wrote first
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Writing the onboarding state of {vm.Name}", vm.Value);
        }
    }

    /// <summary>
    /// Deletes <paramref name="previous"/> if its ETag still holds (a claim taken back); false when another writer changed
    /// the record meanwhile, or it is gone already: what is there then is theirs.
    /// </summary>
    public async Task<bool> TryDeleteAsync(VmResourceId vm, OnboardingState previous, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(Partition(vm), Row(vm), previous.ETag is { } etag ? new ETag(etag) : ETag.All, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 404 or 412 })
        {
            return false;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Deleting the onboarding claim of {vm.Name}", vm.Value);
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _created.EnsureAsync(_table.Uri.AbsoluteUri, () => _table.CreateIfNotExistsAsync(CancellationToken.None), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Creating table {_table.Name}", _table.Name);
        }
    }

    private static OnboardingState Read(TableEntity entity) => new()
    {
        VmResourceId = entity.GetString("VmResourceId"),
        VmId = Guid.TryParse(entity.GetString("VmId"), out var vmId) ? vmId : null,
        State = Enum.TryParse<OnboardingStatus>(entity.GetString("State"), out var state) ? state : OnboardingStatus.Failed,
        Attempts = entity.GetInt32("Attempts") ?? 0,
        JobId = Guid.TryParse(entity.GetString("JobId"), out var jobId) ? jobId : null,
        LastError = entity.GetString("LastError"),
        FirstSeen = entity.GetDateTimeOffset("FirstSeen"),
        UpdatedOn = entity.GetDateTimeOffset("UpdatedOn"),
        NextAttemptOn = entity.GetDateTimeOffset("NextAttemptOn"),
        ClaimedBy = entity.GetString("ClaimedBy"),
        TraceId = entity.GetString("TraceId"),
        History = ReadHistory(entity.GetString("History")),
        Vm = ReadFacts(entity.GetString("Vm")),
        Rule = entity.GetString("Rule"),
        ETag = entity.ETag.ToString(),
    };

    private static IReadOnlyList<OnboardingAttempt> ReadHistory(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return JsonSerializer.Deserialize(json, OnboardingHistoryJson.Default.IReadOnlyListOnboardingAttempt) ?? [];
        }
        catch (JsonException)
        {
            return [];   // bookkeeping only: a damaged history must not stop the workflow
        }
    }

    private static VmNetworkInfo? ReadFacts(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            return JsonSerializer.Deserialize(json, OnboardingHistoryJson.Default.VmNetworkInfo);
        }
        catch (JsonException)
        {
            return null;   // bookkeeping: a damaged column is as good as none
        }
    }

    private static string Partition(VmResourceId vm) => vm.SubscriptionId.ToString("D");

    private static string Row(VmResourceId vm) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(vm.Key))).ToLowerInvariant();

    /// <summary>Characters of tag keys and values a record keeps at most: a VM's 50 tags may hold 38,400, and a Table property holds 32,768 (64 KiB).</summary>
    public const int MaxStoredTagChars = 16384;

    // The last known facts as stored: tags in key order while they fit MaxStoredTagChars (the rest are not kept).
    internal static VmNetworkInfo ForStorage(VmNetworkInfo vm)
    {
        if (vm.Tags.Sum(t => t.Key.Length + t.Value.Length) <= MaxStoredTagChars) return vm;
        var kept = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var used = 0;
        foreach (var (key, value) in vm.Tags.OrderBy(t => t.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (used + key.Length + value.Length > MaxStoredTagChars) continue;
            kept[key] = value;
            used += key.Length + value.Length;
        }

        return vm with { Tags = kept };
    }
}
