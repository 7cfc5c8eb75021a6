using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Workflow;

/// <summary>The idle poll: soon after a quiet start (a late message waits little), and no more calls than before once idle.</summary>
public sealed class PollingBackoffTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    [Fact]
    public void Next_FromNothingWaited_ShouldStartAtTheFloorAndDoubleToTheCap()
    {
        var waits = new List<double>();
        var wait = TimeSpan.Zero;
        for (var i = 0; i < 12; i++) waits.Add((wait = PollingBackoff.Next(wait, PollingBackoff.Floor, Cap)).TotalMilliseconds);

        Assert.Equal([100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000], waits);
    }

    [Theory]
    [InlineData(0, 100, 1000, 100)]
    [InlineData(50, 100, 1000, 100)]
    [InlineData(800, 100, 1000, 1000)]
    [InlineData(1000, 100, 1000, 1000)]
    [InlineData(0, 1000, 500, 500)]
    public void Next_ShouldStayWithinTheFloorAndTheCap(int currentMs, int floorMs, int capMs, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), PollingBackoff.Next(TimeSpan.FromMilliseconds(currentMs), TimeSpan.FromMilliseconds(floorMs), TimeSpan.FromMilliseconds(capMs)));

    [Fact]
    public void PollsWithin_AnIdleWorker_ShouldSettleAtOnePollPerCap_AsWithTheOldOneSecondStart()
    {
        // The old start (1 s, doubling to 30 s) against the new (100 ms): a few more polls in the first minute, the same after.
        var oldFirstMinute = PollingBackoff.PollsWithin(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Cap);
        var newFirstMinute = PollingBackoff.PollsWithin(TimeSpan.FromMinutes(1), PollingBackoff.Floor, Cap);
        var oldHour = PollingBackoff.PollsWithin(TimeSpan.FromHours(1), TimeSpan.FromSeconds(1), Cap);
        var newHour = PollingBackoff.PollsWithin(TimeSpan.FromHours(1), PollingBackoff.Floor, Cap);

        Assert.Equal(5, oldFirstMinute);
        Assert.Equal(9, newFirstMinute);
        Assert.Equal(123, oldHour);
        Assert.Equal(127, newHour); // the same 4 extra polls of the first minute, then one per 30 s as before
    }
}
