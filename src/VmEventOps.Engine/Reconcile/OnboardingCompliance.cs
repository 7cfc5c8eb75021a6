using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Reconcile;

/// <summary>Get-VmOnboardingCompliance: every VM in scope and why it is, or is not, onboarded (<see cref="ComplianceRules"/>), streamed.</summary>
public sealed class OnboardingCompliance
{
    private readonly VmInventory _inventory;
    private readonly VmEventOptions _options;
    private readonly Rules.RuleSet? _rules;

    internal OnboardingCompliance(VmInventory inventory, VmEventOptions options)
    {
        _inventory = inventory;
        _options = options;
        // Rules that are not valid stop the workflow; here they classify nothing (no VM is called skipped by half a list).
        _rules = Rules.RuleSet.From(options) is { Errors.Count: 0 } rules ? rules : null;
    }

    /// <summary>Hands one record per VM in scope to <paramref name="onRecord"/> as the lists are read; returns how each scope's listing went.</summary>
    public Task<VmInventoryResult> ReadAsync(Action<VmComplianceRecord> onRecord, CancellationToken cancellationToken) =>
        _inventory.ReadAsync((vm, state, scope, _) =>
        {
            onRecord(ComplianceRules.Classify(vm, state, scope?.Value ?? "*", DateTimeOffset.UtcNow, _options.Reconcile.ReconcileStaleAfter, requeueDeadLettered: false, _rules));
            return Task.CompletedTask;
        }, cancellationToken);

    /// <summary>Counts by scope and status (only the counts are kept while the lists are read).</summary>
    public async Task<(IReadOnlyList<VmComplianceSummary> Rows, VmInventoryResult Result)> SummarizeAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<(string Scope, ComplianceStatus Status), int>();
        var result = await ReadAsync(record => counts[(record.Scope, record.Status)] = counts.GetValueOrDefault((record.Scope, record.Status)) + 1, cancellationToken).ConfigureAwait(false);
        var rows = counts.OrderBy(c => c.Key.Scope, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Key.Status)
            .Select(c => new VmComplianceSummary(c.Key.Scope, c.Key.Status, c.Value)).ToArray();
        return (rows, result);
    }
}
