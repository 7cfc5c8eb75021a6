namespace VmEventOps.Engine.Workflow;

/// <summary>
/// How long a worker waits before looking at an empty queue again: from <see cref="Floor"/>, doubling each time nothing
/// came, up to a cap; back to the floor once a message arrives. The Functions queue listener does the same (its
/// minimum interval is 100 ms, its maximum maxPollingInterval), so a message that arrives after a quiet spell waits about
/// as long as it would under the Functions host, and an idle worker settles at one poll per cap.
/// </summary>
public static class PollingBackoff
{
    /// <summary>The first wait after a poll that found nothing.</summary>
    public static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(100);

    /// <summary>The wait after <paramref name="current"/> (zero: nothing waited yet), at least <paramref name="floor"/>, at most <paramref name="cap"/>.</summary>
    public static TimeSpan Next(TimeSpan current, TimeSpan floor, TimeSpan cap)
    {
        if (cap <= floor) return cap;
        return current < floor ? floor : TimeSpan.FromTicks(Math.Min(current.Ticks * 2, cap.Ticks));
    }

    /// <summary>Polls of an idle worker in <paramref name="span"/> from the moment the queue went empty (what idle costs in storage calls).</summary>
    public static int PollsWithin(TimeSpan span, TimeSpan floor, TimeSpan cap)
    {
        var polls = 0;
        var elapsed = TimeSpan.Zero;
        var wait = TimeSpan.Zero;
        while (true)
        {
            wait = Next(wait, floor, cap);
            elapsed += wait;
            if (elapsed > span) return polls;
            polls++;
        }
    }
}
