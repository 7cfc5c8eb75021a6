using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Reconcile;

/// <summary>
/// The VMs in the allowed scopes with their onboarding records, streamed: one list page at a time (ARM per scope, or one
/// Resource Graph query), its records read in batches, each VM handed to the caller and dropped. What stays is a
/// 16-byte hash per VM seen (to tell which records have no VM any more) and one <see cref="VmScopeListing"/> per scope.
/// </summary>
public sealed class VmInventory
{
    private const int ProgressId = 25;
    private readonly ArmGateway _arm;
    private readonly OnboardingStateStore _store;
    private readonly VmEventOptions _options;
    private readonly IHostLog _log;

    internal VmInventory(ArmGateway arm, OnboardingStateStore store, VmEventOptions options, IHostLog log)
    {
        _arm = arm;
        _store = store;
        _options = options;
        _log = log;
    }

    /// <summary>The state store this inventory reads.</summary>
    internal OnboardingStateStore Store => _store;

    /// <summary>
    /// Lists every scope and hands each VM in it, with its record (or null), to <paramref name="onVm"/>, in list order. A scope
    /// ARM throttles with a wait that is not slept (VmArmThrottled), or that fails, ends there: its listing says why and the
    /// other scopes go on. Without AllowedScopes nothing is listed (VmScopeNotConfigured).
    /// </summary>
    public async Task<VmInventoryResult> ReadAsync(Func<ArmVmSummary, OnboardingState?, VmScope?, CancellationToken, Task> onVm, CancellationToken cancellationToken)
    {
        if (_options.Onboarding.AllowedScopes.Count == 0)
        {
            throw new VmEventOpsException(ErrorIds.ScopeNotConfigured, VmErrorCategory.InvalidArgument,
                "No allowed scope is configured: set AllowedScopes (VMEVENTOPS_ALLOWEDSCOPES) to the subscriptions or resource groups whose VMs are onboarded.", nameof(VmEventOptions.AllowedScopes));
        }

        var scopes = VmScope.From(_options.Onboarding.AllowedScopes, out var anyScope);
        var seen = new HashSet<UInt128>();
        var listings = new List<VmScopeListing>();
        if (_options.Reconcile.ReconcileSource == VmInventorySource.ResourceGraph)
        {
            listings.Add(await ReadScopeAsync("ResourceGraph", token => _arm.QueryVmPagesAsync(scopes, anyScope, token), scopes, seen, onVm, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            if (anyScope)
            {
                var problem = "AllowedScopes holds *, which ARM cannot list as one scope: name the subscriptions in AllowedScopes, or set ReconcileSource to ResourceGraph.";
                _log.Warning($"{ErrorIds.ReconcileScopeNotListable}: {problem}");
                listings.Add(new VmScopeListing { Scope = "*", Problem = $"{ErrorIds.ReconcileScopeNotListable}: {problem}" });
            }

            foreach (var scope in scopes)
            {
                listings.Add(await ReadScopeAsync(scope.Value, token => _arm.ListVmPagesAsync(scope, token), [scope], seen, onVm, cancellationToken).ConfigureAwait(false));
            }
        }

        _log.Progress(new HostProgress(ProgressId, "Listing the VMs in scope", "Done", 100, Completed: true));
        return new VmInventoryResult(listings, scopes, anyScope, seen);
    }

    private async Task<VmScopeListing> ReadScopeAsync(
        string name, Func<CancellationToken, IAsyncEnumerable<ArmVmPage>> pages, IReadOnlyList<VmScope> scopes, HashSet<UInt128> seen,
        Func<ArmVmSummary, OnboardingState?, VmScope?, CancellationToken, Task> onVm, CancellationToken cancellationToken)
    {
        var listing = new VmScopeListing { Scope = name };
        try
        {
            await foreach (var page in pages(cancellationToken).ConfigureAwait(false))
            {
                var states = page.Vms.Count == 0 ? new Dictionary<VmResourceId, OnboardingState>() : await _store.GetManyAsync(page.Vms.Select(v => v.Id).ToArray(), cancellationToken).ConfigureAwait(false);
                foreach (var vm in page.Vms)
                {
                    seen.Add(Hash(vm.Id));
                    await onVm(vm, states.GetValueOrDefault(vm.Id), scopes.FirstOrDefault(s => s.Contains(vm.Id)), cancellationToken).ConfigureAwait(false);
                }

                listing = listing with { Vms = listing.Vms + page.Vms.Count, Pages = listing.Pages + 1 };
                _log.Progress(new HostProgress(ProgressId, "Listing the VMs in scope", $"{name}: {listing.Vms} VM(s), {listing.Pages} page(s)"));
                if (page.CutReason is { } cut)
                {
                    var problem = $"{ErrorIds.ReconcileIncomplete}: listing {name} stopped after it {cut}; no record of it is reported gone.";
                    _log.Warning(problem);
                    return listing with { Problem = problem };
                }
            }

            _log.Verbose($"{name}: {listing.Vms} VM(s) in {listing.Pages} page(s).");
            return listing with { Complete = true };
        }
        catch (VmEventOpsException e) when (e.ErrorId != ErrorIds.AuthUnavailable && e.ErrorId != ErrorIds.AuthFailed && e.ErrorId != ErrorIds.AuthNotConfigured && e.ErrorId != ErrorIds.StorageRequestFailed)
        {
            // One scope's failure is that scope's: ARM named a wait that is not slept (deferred), a role is missing, ...
            var deferred = e.ErrorId == ErrorIds.ArmThrottled;
            var problem = deferred
                ? $"{ErrorIds.ReconcileIncomplete}: listing {name} deferred after {listing.Vms} VM(s): ARM asked to wait {e.RetryAfter?.TotalSeconds ?? 0:0} s, which is not slept; sweep again after it. {e.Message}"
                : $"{ErrorIds.ReconcileIncomplete}: listing {name} stopped after {listing.Vms} VM(s): {e.ErrorId}: {e.Message}";
            _log.Warning(problem);
            return listing with { Problem = problem, RetryAfter = deferred ? e.RetryAfter : null };
        }
    }

    /// <summary>The first 16 bytes of the hash a record's row key is made of: one compact entry per VM seen.</summary>
    internal static UInt128 Hash(VmResourceId vm)
    {
        var bytes = Convert.FromHexString(OnboardingStateStore.RowKeyOf(vm).AsSpan(0, 32));
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
