using System.Globalization;

namespace VmEventOps.Engine.Workflow;

/// <summary>What a worker run did.</summary>
public sealed record WorkerSummary
{
    public int Processed { get; init; }
    public IReadOnlyDictionary<VmEventOutcome, int> Outcomes { get; init; } = new Dictionary<VmEventOutcome, int>();
    public TimeSpan Elapsed { get; init; }

    /// <summary>Why the run ended: MaxRunTime, MaxMessages, Empty or Stopped.</summary>
    public required string StoppedBecause { get; init; }

    /// <summary>Messages left where they were for redelivery, because not even their destination could be written.</summary>
    public int LeftForRedelivery { get; init; }

    /// <summary>One line for a log: "12 processed (10 Succeeded, 2 RetryScheduled) in 3.2 s, stopped because Empty".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Processed} processed ({(Outcomes.Count == 0 ? "none" : Describe(Outcomes))}) in {Elapsed.TotalSeconds:0.0} s, stopped because {StoppedBecause}{(LeftForRedelivery > 0 ? $", {LeftForRedelivery} left for redelivery" : string.Empty)}");

    /// <summary>Outcome counts in outcome order: "10 Succeeded, 2 RetryScheduled".</summary>
    public static string Describe(IEnumerable<KeyValuePair<VmEventOutcome, int>> outcomes) =>
        string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Value} {o.Key}"));
}
