using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Api;

/// <summary>
/// How attempts ended over the last hours, an hour a bucket, from the onboarding records' histories: the chart of the
/// dashboard's Health view, and the retry and poison trends (RetryScheduled and DeadLettered per hour). Pure.
/// </summary>
public sealed record OutcomeTimeline
{
    /// <summary>The start of each hour, oldest first (UTC).</summary>
    public required IReadOnlyList<DateTimeOffset> Hours { get; init; }

    /// <summary>Per outcome, one count per hour (the same length as <see cref="Hours"/>).</summary>
    public required IReadOnlyDictionary<string, int[]> Series { get; init; }

    /// <summary>The outcomes every timeline shows, even at zero (others are added when they occur).</summary>
    public static readonly string[] Outcomes = [nameof(VmEventOutcome.Succeeded), nameof(VmEventOutcome.RetryScheduled), nameof(VmEventOutcome.DeadLettered)];

    /// <summary>The last <paramref name="hours"/> hours up to <paramref name="now"/>, counted from every record's history.</summary>
    public static OutcomeTimeline Of(IEnumerable<OnboardingState> records, int hours, DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var current = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
        var first = current.AddHours(-(hours - 1));
        var starts = Enumerable.Range(0, hours).Select(i => first.AddHours(i)).ToArray();
        var series = Outcomes.ToDictionary(o => o, _ => new int[hours], StringComparer.Ordinal);
        foreach (var attempt in records.SelectMany(r => r.History))
        {
            var index = (int)Math.Floor((attempt.Time.ToUniversalTime() - first).TotalHours);
            if (index < 0 || index >= hours || attempt.Time > now) continue;
            if (!series.TryGetValue(attempt.Outcome, out var counts)) series[attempt.Outcome] = counts = new int[hours];
            counts[index]++;
        }

        return new OutcomeTimeline { Hours = starts, Series = series };
    }
}
