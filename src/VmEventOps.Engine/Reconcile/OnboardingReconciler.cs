using System.Diagnostics;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Reconcile;

/// <summary>
/// The sweep (Sync-VmOnboarding, the timer function, the runbook): replays Event Grid's dead letters, then lists every VM
/// in scope (<see cref="VmInventory"/>) and queues a well-formed ResourceWriteSuccess event (<see cref="VmWriteEventFactory"/>,
/// the path Send-VmEventMessage takes) for each that <see cref="ComplianceRules"/> says needs one, and reports the records
/// of VMs no scope lists any more. The workflow onboards each VM once however many events it gets (state keyed on the VM,
/// the job named from its vmId), so a VM whose own event arrives as well is still onboarded once.
/// </summary>
public sealed class OnboardingReconciler
{
    private const int SendConcurrency = 16;
    private readonly VmInventory _inventory;
    private readonly QueueManager _queues;
    private readonly Func<DeadLetterStore>? _deadLetters;
    private readonly VmEventOptions _options;
    private readonly Rules.RuleSet? _rules;
    private readonly IHostLog _log;

    internal OnboardingReconciler(VmInventory inventory, QueueManager queues, Func<DeadLetterStore>? deadLetters, VmEventOptions options, IHostLog log)
    {
        _inventory = inventory;
        _queues = queues;
        _deadLetters = deadLetters;
        _options = options;
        // Rules that are not valid stop the workflow; here they classify nothing (no VM is called skipped by half a list).
        _rules = Rules.RuleSet.From(options) is { Errors.Count: 0 } rules ? rules : null;
        _log = log;
    }

    /// <summary>Runs one sweep, handing each thing done or found to <paramref name="onItem"/> (from any thread) as it happens.</summary>
    public async Task<VmReconcileSummary> SyncAsync(ReconcileRequest request, Action<VmReconcileItem> onItem, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (replayed, unreadable) = request.ReplayDeadLetters && _deadLetters is not null ? await ReplayDeadLettersAsync(request, onItem, cancellationToken).ConfigureAwait(false) : (0, 0);

        var queued = 0;
        var onboarded = 0;
        using var gate = new SemaphoreSlim(SendConcurrency);
        var pending = new List<Task>();
        var now = DateTimeOffset.UtcNow;
        var result = await _inventory.ReadAsync(async (vm, state, scope, token) =>
        {
            var record = ComplianceRules.Classify(vm, state, scope?.Value ?? "*", now, _options.Reconcile.ReconcileStaleAfter, request.RequeueDeadLettered, _rules);
            if (record.Status == ComplianceStatus.Onboarded) onboarded++;
            if (!record.NeedsEvent) return;
            queued++;
            if (request.WhatIf)
            {
                onItem(Item(VmReconcileAction.WouldQueue, record, null));
                return;
            }

            await gate.WaitAsync(token).ConfigureAwait(false);
            pending.Add(SendAsync(vm.Id, record, request, onItem, gate, token));
            if (pending.Count >= SendConcurrency * 4)
            {
                await Task.WhenAll(pending).ConfigureAwait(false);
                pending.Clear();
            }
        }, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(pending).ConfigureAwait(false);

        var gone = await ReportGoneAsync(result, onItem, cancellationToken).ConfigureAwait(false);
        var summary = new VmReconcileSummary
        {
            Vms = result.Listings.Sum(l => l.Vms),
            Queued = queued,
            Onboarded = onboarded,
            Gone = gone,
            DeadLettersReplayed = replayed,
            DeadLettersUnreadable = unreadable,
            ArmPages = result.Listings.Sum(l => l.Pages),
            Complete = result.Complete,
            RetryAfter = result.Listings.Max(l => l.RetryAfter),
            WhatIf = request.WhatIf,
            Elapsed = clock.Elapsed,
            Scopes = result.Listings,
        };
        _log.Verbose($"Sweep: {summary.Vms} VM(s) in {summary.ArmPages} page(s), {queued} {(request.WhatIf ? "to queue" : "queued")}, {gone} record(s) without a VM, {replayed} dead letter(s) replayed, in {clock.Elapsed.TotalSeconds:0.0} s.");
        return summary;
    }

    private async Task SendAsync(VmResourceId vm, VmComplianceRecord record, ReconcileRequest request, Action<VmReconcileItem> onItem, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            var body = _queues.EncodeForMainQueue(VmWriteEventFactory.Create(vm, $"Sync-VmOnboarding: {record.Status} ({record.Reason})", request.RequestedBy ?? "Sync-VmOnboarding", DateTimeOffset.UtcNow));
            var id = await _queues.SendAsync(QueueKind.Main, body, delay: null, cancellationToken).ConfigureAwait(false);
            onItem(Item(VmReconcileAction.Queued, record, id));
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<(int Replayed, int Unreadable)> ReplayDeadLettersAsync(ReconcileRequest request, Action<VmReconcileItem> onItem, CancellationToken cancellationToken)
    {
        DeadLetterStore store;
        try
        {
            store = _deadLetters!();
        }
        catch (VmEventOpsException e) when (e.ErrorId == ErrorIds.DeadLetterNotConfigured)
        {
            _log.Warning($"{e.ErrorId}: {e.Message} Dead letters are not replayed.");
            return (0, 0);
        }

        var replayed = 0;
        var unreadable = 0;
        await foreach (var name in store.PendingAsync(cancellationToken).ConfigureAwait(false))
        {
            var replay = await store.ReplayAsync(name, only: null, request.WhatIf, SendDeadLetterAsync, cancellationToken).ConfigureAwait(false);
            if (replay.Unreadable)
            {
                unreadable++;
                _log.Warning($"{ErrorIds.DeadLetterUnreadable}: dead-letter blob {name} in {store.ContainerName} cannot be read as events ({replay.Reason}); it is kept.");
                onItem(new VmReconcileItem { Action = VmReconcileAction.Unreadable, Name = name, BlobName = name, Reason = $"{ErrorIds.DeadLetterUnreadable}: {replay.Reason}" });
                continue;
            }

            if (replay.Skipped) _log.Verbose($"Dead-letter blob {name}: {replay.Reason}.");
            foreach (var (item, messageId) in replay.Sent)
            {
                replayed++;
                onItem(new VmReconcileItem
                {
                    Action = request.WhatIf ? VmReconcileAction.WouldReplay : VmReconcileAction.Replayed,
                    Name = item.VmName ?? item.EventId ?? name,
                    VmResourceId = item.VmResourceId,
                    BlobName = name,
                    MessageId = request.WhatIf ? null : messageId,
                    Reason = $"Dead-lettered by Event Grid: {item.DeadLetterReason} after {item.DeliveryAttempts} attempt(s), last {item.LastDeliveryOutcome}",
                });
            }
        }

        return (replayed, unreadable);
    }

    /// <summary>Sends a dead-lettered event to the main queue as Event Grid would have delivered it.</summary>
    public Task<string> SendDeadLetterAsync(VmEventDeadLetter item, CancellationToken cancellationToken) =>
        _queues.SendAsync(QueueKind.Main, _queues.EncodeForMainQueue(item.Body), delay: null, cancellationToken);

    // The records of each completely listed subscription scope whose VM was not in its list.
    private async Task<int> ReportGoneAsync(VmInventoryResult result, Action<VmReconcileItem> onItem, CancellationToken cancellationToken)
    {
        var complete = _options.Reconcile.ReconcileSource == VmInventorySource.ResourceGraph
            ? (result.Listings.All(l => l.Complete) && !result.AnyScope ? result.Scopes : [])
            : result.Scopes.Where(s => result.Listings.Any(l => l.Complete && l.Scope == s.Value)).ToArray();
        var gone = 0;
        foreach (var subscription in complete.Select(s => s.SubscriptionId).Distinct())
        {
            try
            {
                await foreach (var state in _inventory.Store.ListSubscriptionAsync(subscription, cancellationToken).ConfigureAwait(false))
                {
                    if (!VmResourceId.TryParse(state.VmResourceId, out var vm) || !complete.Any(s => s.Contains(vm!)) || result.Seen.Contains(VmInventory.Hash(vm!))) continue;
                    gone++;
                    onItem(new VmReconcileItem
                    {
                        Action = VmReconcileAction.Gone,
                        Name = vm!.Name,
                        VmResourceId = vm.Value,
                        Reason = $"The record ({state.State}, updated {state.UpdatedOn:u}) has no VM in its scope any more: deleted. Offboarding is not done by the sweep.",
                    });
                }
            }
            catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
            {
                throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Reading the onboarding records of subscription {subscription:D}", subscription.ToString("D"));
            }
        }

        return gone;
    }

    private static VmReconcileItem Item(VmReconcileAction action, VmComplianceRecord record, string? messageId) => new()
    {
        Action = action,
        Name = record.VmName,
        Status = record.Status,
        VmResourceId = record.VmResourceId,
        MessageId = messageId,
        Reason = record.Reason,
    };
}
