using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace VmEventOps.Engine.Telemetry;

/// <summary>
/// The latest queue counts of running workers, for the <c>vmeventops.queue.depth</c> gauge. A count older than
/// <see cref="FreshFor"/> is no longer reported (its worker stopped), so a stopped worker leaves no stale depth behind.
/// </summary>
public static class QueueDepths
{
    /// <summary>How long a count is reported after it was taken.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(2);

    private static readonly ConcurrentDictionary<string, (string Kind, long Count, DateTimeOffset At)> Latest = new(StringComparer.Ordinal);

    /// <summary>Records the count of one queue (<paramref name="kind"/>: Main, Retry, Succeeded or Poison).</summary>
    public static void Record(string kind, string queueName, long count) => Latest[queueName] = (kind, count, DateTimeOffset.UtcNow);

    /// <summary>The fresh counts, one measurement per queue.</summary>
    public static IEnumerable<Measurement<long>> Observe()
    {
        var oldest = DateTimeOffset.UtcNow - FreshFor;
        foreach (var (name, (kind, count, at)) in Latest)
        {
            if (at < oldest) continue;
            yield return new Measurement<long>(count,
                new KeyValuePair<string, object?>(VmEventTelemetry.QueueTag, kind), new KeyValuePair<string, object?>(VmEventTelemetry.QueueNameTag, name));
        }
    }
}
