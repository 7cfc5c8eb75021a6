using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Reconcile;

namespace VmEventOps.Engine.Tests.Reconcile;

/// <summary>What Send-VmEventMessage -DeadLetter says of one replay: the error of an unreadable blob, the warning when nothing was sent.</summary>
public sealed class DeadLetterReplayTests
{
    private static readonly VmEventDeadLetter Letter = new() { ContainerName = "dl", BlobName = "SUB/2026/12/1/10/a.json", Index = 0, EventId = "e-1", Body = "{}" };

    [Fact]
    public void Failure_WhenTheBlobIsNotEvents_ShouldBeDeadLetterUnreadableNamingTheBlobAndNoWarning()
    {
        var replay = new DeadLetterReplay { BlobName = Letter.BlobName, Unreadable = true, Reason = "InvalidJson" };

        Assert.Equal(ErrorIds.DeadLetterUnreadable, replay.Failure!.ErrorId);
        Assert.Contains("a.json cannot be read as events: InvalidJson. It is kept.", replay.Failure.Message, StringComparison.Ordinal);
        Assert.Null(replay.NotSent(Letter));
    }

    [Theory]
    [InlineData(true, "LeasedByAnotherPass: another pass is replaying it now", "was not sent: LeasedByAnotherPass")]
    [InlineData(false, null, "was not sent: it was replayed already")]
    public void NotSent_WhenNothingWasSent_ShouldSayWhy(bool skipped, string? reason, string expected)
    {
        var replay = new DeadLetterReplay { BlobName = Letter.BlobName, Skipped = skipped, Reason = reason };

        Assert.Null(replay.Failure);
        Assert.Contains(expected, replay.NotSent(Letter), StringComparison.Ordinal);
        Assert.StartsWith("Dead-lettered event e-1 in SUB/2026/12/1/10/a.json", replay.NotSent(Letter), StringComparison.Ordinal);
    }

    [Fact]
    public void NotSent_WhenTheEventWasSent_ShouldBeNull()
    {
        var replay = new DeadLetterReplay { BlobName = Letter.BlobName, Sent = [(Letter, "m-1")] };

        Assert.Null(replay.NotSent(Letter));
        Assert.Null(replay.Failure);
    }
}
