using Azure;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Tests.Errors;

public sealed class FailureClassifierTests
{
    [Theory]
    [InlineData(0, VmErrorCategory.ConnectionError, true)]
    [InlineData(400, VmErrorCategory.InvalidOperation, false)]
    [InlineData(401, VmErrorCategory.AuthenticationError, false)]
    [InlineData(403, VmErrorCategory.PermissionDenied, false)]
    [InlineData(404, VmErrorCategory.ObjectNotFound, false)]
    [InlineData(408, VmErrorCategory.OperationTimeout, true)]
    [InlineData(409, VmErrorCategory.InvalidOperation, false)]
    [InlineData(412, VmErrorCategory.InvalidOperation, false)]
    [InlineData(429, VmErrorCategory.LimitsExceeded, true)]
    [InlineData(500, VmErrorCategory.ResourceUnavailable, true)]
    [InlineData(503, VmErrorCategory.ResourceUnavailable, true)]
    public void ForStatus_ShouldGiveTheCategoryAndWhetherToTryAgain(int status, VmErrorCategory category, bool transient) =>
        Assert.Equal((category, transient), FailureClassifier.ForStatus(status));

    public static TheoryData<Exception, bool, bool> Exceptions => new()
    {
        // exception, transient, unforeseen (the message's own)
        { new TimeoutException(), true, false },
        { new HttpRequestException("reset"), true, false },
        { new IOException("broken pipe"), true, false },
        { new TaskCanceledException(), true, false },
        { new RequestFailedException(503, "busy"), true, false },
        { new AggregateException(new RequestFailedException(500, "a"), new RequestFailedException(429, "b")), true, false },
        { new VmEventOpsException(ErrorIds.StorageRequestFailed, VmErrorCategory.ResourceUnavailable, "away") { IsTransient = true }, true, false },
        { new VmEventOpsException(ErrorIds.ArmForbidden, VmErrorCategory.PermissionDenied, "no role"), false, false },
        { new VmEventOpsException(ErrorIds.Unexpected, VmErrorCategory.NotSpecified, "bug"), false, true },
        { new InvalidOperationException("bug"), false, true },
#pragma warning disable CA2201 // a runtime exception on purpose: what a bug in our code throws
        { new IndexOutOfRangeException(), false, true },
#pragma warning restore CA2201
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Classify_ShouldSayWhetherTransient_AndIsUnforeseenWhetherTheMessagesOwn(Exception exception, bool transient, bool unforeseen)
    {
        var failure = FailureClassifier.Classify(exception);

        Assert.Equal(transient, failure.IsTransient);
        Assert.Equal(unforeseen, FailureClassifier.IsUnforeseen(exception, stopping: false));
        Assert.False(FailureClassifier.IsUnforeseen(exception, stopping: true));
        Assert.Equal(exception is VmEventOpsException known ? known.ErrorId : ErrorIds.Unexpected, failure.ErrorId);
    }
}
