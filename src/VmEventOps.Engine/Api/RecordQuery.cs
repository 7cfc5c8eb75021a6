using VmEventOps.Engine.Events;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Api;

/// <summary>
/// The VMs view's question: onboarding records of a state, under a scope (a resource ID prefix, any case), holding a
/// text (in the VM's ID, its last error or its job), newest first, one page of them. Pure.
/// </summary>
public sealed record RecordQuery
{
    /// <summary>The largest page.</summary>
    public const int MaxPageSize = 500;

    public OnboardingStatus? State { get; init; }

    /// <summary>A resource ID prefix: a subscription, a resource group.</summary>
    public string? Scope { get; init; }

    /// <summary>Text to find, any case.</summary>
    public string? Text { get; init; }

    /// <summary>The page, from 1.</summary>
    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = 50;

    /// <summary>How many records match in all, the page answered (a page past the end is the last one), and its records.</summary>
    public (int Total, int Page, IReadOnlyList<OnboardingState> Items) Apply(IEnumerable<OnboardingState> records)
    {
        var scope = Scope?.Trim().TrimEnd('/');
        var text = Text?.Trim();
        var matching = records
            .Where(r => State is null || r.State == State)
            .Where(r => string.IsNullOrEmpty(scope) || InScope(r.VmResourceId, scope))
            .Where(r => string.IsNullOrEmpty(text) || Holds(r, text))
            .OrderByDescending(r => r.UpdatedOn ?? r.FirstSeen ?? DateTimeOffset.MinValue)
            .ThenBy(r => r.VmResourceId, StringComparer.OrdinalIgnoreCase)
            .ToArray();
        // A page past the end (or one whose offset would overflow an int) is the last page.
        var size = Math.Max(1, PageSize);
        var lastPage = Math.Max(1, (matching.Length + size - 1) / size);
        var page = Math.Clamp(Page, 1, lastPage);
        return (matching.Length, page, matching.Skip((page - 1) * size).Take(size).ToArray());
    }

    private static bool InScope(string vmResourceId, string scope) =>
        vmResourceId.Equals(scope, StringComparison.OrdinalIgnoreCase)
        || vmResourceId.StartsWith(scope + "/", StringComparison.OrdinalIgnoreCase);

    private static bool Holds(OnboardingState record, string text) =>
        record.VmResourceId.Contains(text, StringComparison.OrdinalIgnoreCase)
        || (record.LastError?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)
        || (record.JobId?.ToString().Contains(text, StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>The VM's name: the last segment of its resource ID.</summary>
    public static string NameOf(string vmResourceId) =>
        VmResourceId.TryParse(vmResourceId, out var vm) ? vm!.Name : vmResourceId[(vmResourceId.LastIndexOf('/') + 1)..];
}
