using System.Text.RegularExpressions;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Arm;

/// <summary>A scope the sweep lists: a subscription, or one resource group of it (parsed from AllowedScopes).</summary>
public sealed partial record VmScope(Guid SubscriptionId, string? ResourceGroup)
{
    /// <summary>The scope's ID: /subscriptions/{id} or /subscriptions/{id}/resourceGroups/{name}.</summary>
    public string Value => ResourceGroup is null ? $"/subscriptions/{SubscriptionId:D}" : $"/subscriptions/{SubscriptionId:D}/resourceGroups/{ResourceGroup}";

    /// <summary>True when the VM lies in this scope (case-insensitive, as ARM IDs are).</summary>
    public bool Contains(VmResourceId vm) => vm.IsWithin(Value);

    /// <summary>
    /// The scopes to list for <paramref name="allowed"/>: each subscription and resource group once, a resource group left out
    /// when its whole subscription is listed anyway. <paramref name="anyScope"/> is true when <c>*</c> is among them.
    /// </summary>
    public static IReadOnlyList<VmScope> From(IReadOnlyList<string> allowed, out bool anyScope)
    {
        anyScope = false;
        var scopes = new List<VmScope>();
        foreach (var text in allowed)
        {
            if (text == "*")
            {
                anyScope = true;
                continue;
            }

            var match = Shape().Match(text);
            if (!match.Success || !Guid.TryParse(match.Groups["sub"].Value, out var subscription)) continue;
            scopes.Add(new VmScope(subscription, match.Groups["rg"].Success ? match.Groups["rg"].Value : null));
        }

        var whole = scopes.Where(s => s.ResourceGroup is null).Select(s => s.SubscriptionId).ToHashSet();
        return scopes
            .Where(s => s.ResourceGroup is null || !whole.Contains(s.SubscriptionId))
            .DistinctBy(s => s.Value.ToLowerInvariant())
            .ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => Value;

    [GeneratedRegex(@"^/subscriptions/(?<sub>[0-9a-fA-F-]{36})(/resourceGroups/(?<rg>[-\w.()]{1,90}))?/?\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
