using System.Text.RegularExpressions;

namespace VmEventOps.Engine.Events;

/// <summary>
/// A virtual machine's ARM resource ID, parsed strictly: exactly
/// <c>/subscriptions/{guid}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}</c>,
/// keywords in any case, no empty segment, no child resource. ARM IDs are case-insensitive, so
/// equality ignores case and <see cref="Key"/> is the lower-case form for state and dedupe.
/// </summary>
public sealed partial record VmResourceId
{
    private VmResourceId(Guid subscriptionId, string resourceGroupName, string name)
    {
        SubscriptionId = subscriptionId;
        ResourceGroupName = resourceGroupName;
        Name = name;
    }

    /// <summary>The subscription.</summary>
    public Guid SubscriptionId { get; }

    /// <summary>The resource group name, as written.</summary>
    public string ResourceGroupName { get; }

    /// <summary>The VM name, as written.</summary>
    public string Name { get; }

    /// <summary>The ID in canonical form: keywords in ARM's casing, the names as written.</summary>
    public string Value => $"/subscriptions/{SubscriptionId:D}/resourceGroups/{ResourceGroupName}/providers/Microsoft.Compute/virtualMachines/{Name}";

    /// <summary>The lower-case form: one key per VM, however an event spelled it.</summary>
    public string Key => Value.ToLowerInvariant();

    /// <summary>Parses a VM ID; false for anything that is not exactly a VM (a child resource, another type, a malformed ID).</summary>
    public static bool TryParse(string? text, out VmResourceId? id)
    {
        id = null;
        if (string.IsNullOrEmpty(text) || text.Length > 1024) return false;
        var match = Shape().Match(text);
        if (!match.Success || !Guid.TryParseExact(match.Groups["sub"].Value, "D", out var subscription)) return false;
        id = new VmResourceId(subscription, match.Groups["rg"].Value, match.Groups["name"].Value);
        return true;
    }

    /// <summary>Parses a VM ID or throws <see cref="FormatException"/> naming what is expected.</summary>
    public static VmResourceId Parse(string text) => TryParse(text, out var id)
        ? id!
        : throw new FormatException("Expected a VM resource ID: /subscriptions/{guid}/resourceGroups/{name}/providers/Microsoft.Compute/virtualMachines/{name}.");

    /// <summary>True when this VM lies inside <paramref name="scope"/>: a subscription or resource group ID, or <c>*</c>.</summary>
    public bool IsWithin(string scope)
    {
        if (scope == "*") return true;
        var match = ScopeShape().Match(scope);
        if (!match.Success || !Guid.TryParse(match.Groups["sub"].Value, out var subscription) || subscription != SubscriptionId) return false;
        return !match.Groups["rg"].Success || string.Equals(match.Groups["rg"].Value, ResourceGroupName, StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public bool Equals(VmResourceId? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

    /// <inheritdoc />
    public override string ToString() => Value;

    // Resource group: 1-90 of letters, digits, '-', '_', '.', '(', ')', not ending in '.'.
    // VM name: 1-64 of letters, digits, '-', '_', '.', starting with a letter or digit.
    [GeneratedRegex(@"^/subscriptions/(?<sub>[0-9a-fA-F-]{36})/resourceGroups/(?<rg>[-\w.()]{0,89}[-\w()])/providers/Microsoft\.Compute/virtualMachines/(?<name>[A-Za-z0-9][-\w.]{0,63})\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    [GeneratedRegex(@"^/subscriptions/(?<sub>[0-9a-fA-F-]{36})(/resourceGroups/(?<rg>[-\w.()]{1,90}))?/?\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ScopeShape();
}
