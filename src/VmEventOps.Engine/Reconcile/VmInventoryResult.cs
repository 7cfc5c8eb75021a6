using VmEventOps.Engine.Arm;

namespace VmEventOps.Engine.Reconcile;

/// <summary>What a listing of the scopes saw: each scope's listing, and (internally) which VMs were seen.</summary>
public sealed record VmInventoryResult(IReadOnlyList<VmScopeListing> Listings, IReadOnlyList<VmScope> Scopes, bool AnyScope, IReadOnlySet<UInt128> Seen)
{
    /// <summary>True when every scope was read to its end.</summary>
    public bool Complete => Listings.All(l => l.Complete);
}
