using System.Text;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Queues;

public sealed class MessageEnvelopeTests
{
    private static readonly DateTimeOffset Seen = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("{\"id\":\"1\"}")]
    [InlineData("  [ {\"a\" : \"b\\n\\\"c\\\"\"} ]\r\n\t")]
    [InlineData("eyJpZCI6IjEifQ==")]
    [InlineData("line one\nline two\n{\"envelope\":\"VmEventOps/1\"}")]
    [InlineData("ünïcödé – 🚀 <xml> & 'quotes'")]
    public void Serialize_ThenTryParse_ShouldKeepTheOriginalByteForByte(string original)
    {
        var envelope = new MessageEnvelope { Attempt = 2, FirstSeen = Seen, Reason = "DatabaseUnreachable", Original = original }
            .WithHistory(Seen, "DatabaseCheck", "timeout");

        Assert.True(MessageEnvelope.TryParse(envelope.Serialize(), out var read));

        Assert.Equal(Encoding.UTF8.GetBytes(original), Encoding.UTF8.GetBytes(read!.Original));
        Assert.Equal(2, read.Attempt);
        Assert.Equal(Seen, read.FirstSeen);
        Assert.Equal("DatabaseUnreachable", read.Reason);
        Assert.Equal([new EnvelopeHistoryEntry(Seen, "DatabaseCheck", "timeout")], read.History);
    }

    [Fact]
    public void Serialize_ATraceContext_ShouldComeBack_AndAnEnvelopeWithoutOneShouldReadAsNone()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var traced = new MessageEnvelope { Attempt = 1, FirstSeen = Seen, Original = "{}", TraceParent = traceParent };
        var plain = new MessageEnvelope { Attempt = 1, FirstSeen = Seen, Original = "{}" };

        Assert.True(MessageEnvelope.TryParse(traced.Serialize(), out var read));
        Assert.True(MessageEnvelope.TryParse(plain.Serialize(), out var readPlain));

        Assert.Equal(traceParent, read!.TraceParent);
        Assert.Null(readPlain!.TraceParent);
        Assert.DoesNotContain("traceParent", plain.Serialize());
    }

    [Fact]
    public void Serialize_AResult_ShouldComeBackAsTheSameJson()
    {
        var envelope = new MessageEnvelope { FirstSeen = Seen, Original = "{}", Result = "{\"jobId\":\"abc\",\"ms\":12}" };

        Assert.True(MessageEnvelope.TryParse(envelope.Serialize(), out var read));
        Assert.Equal("{\"jobId\":\"abc\",\"ms\":12}", read!.Result);
    }

    [Fact]
    public void Serialize_A60KiBOriginalWithLongHistory_ShouldStayUnder64KiBAndKeepTheOriginalAndNewestHistory()
    {
        var original = "{\"pad\":\"" + new string('"', 1) + new string('x', 60 * 1024 - 12) + "\"}";
        var envelope = new MessageEnvelope { Attempt = 50, FirstSeen = Seen, Original = original };
        for (var i = 0; i < 80; i++) envelope = envelope.WithHistory(Seen.AddMinutes(i), "Attempt" + i, new string('e', 2000));

        var text = envelope.Serialize();

        Assert.True(Encoding.UTF8.GetByteCount(text) <= MessageEnvelope.MaxMessageBytes);
        Assert.True(MessageEnvelope.TryParse(text, out var read));
        Assert.Equal(original, read!.Original);
        Assert.NotEmpty(read.History);
        Assert.Equal("Attempt79", read.History[^1].Stage);
        Assert.All(read.History, h => Assert.Equal(MessageEnvelope.MaxErrorLength, h.Error!.Length));
    }

    [Fact]
    public void WithHistory_ShouldKeepAtMostTheNewestEntries()
    {
        var envelope = new MessageEnvelope { FirstSeen = Seen, Original = "{}" };
        for (var i = 0; i < MessageEnvelope.MaxHistory + 10; i++) envelope = envelope.WithHistory(Seen, "s" + i, null);

        Assert.Equal(MessageEnvelope.MaxHistory, envelope.History.Count);
        Assert.Equal("s10", envelope.History[0].Stage);
    }

    [Fact]
    public void Serialize_AnOriginalTooLargeToWrap_ShouldFailAsTooLarge()
    {
        var envelope = new MessageEnvelope { FirstSeen = Seen, Original = new string('x', MessageEnvelope.MaxMessageBytes - 10) };

        Assert.Equal(ErrorIds.MessageTooLarge, Assert.Throws<VmEventOpsException>(envelope.Serialize).ErrorId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{\"id\":\"1\"}")]
    [InlineData("{\"envelope\":\"VmEventOps/1\"}")]
    [InlineData("{\"envelope\":\"VmEventOps/1\",\"attempt\":\"x\"}\n{}")]
    public void TryParse_AnythingButAnEnvelope_ShouldRefuse(string? body) => Assert.False(MessageEnvelope.TryParse(body, out _));

    [Fact]
    public void TryParse_ABase64Envelope_ShouldRead()
    {
        var text = new MessageEnvelope { Attempt = 1, FirstSeen = Seen, Original = Samples.VmWriteEvent() }.Serialize();

        Assert.True(MessageEnvelope.TryParse(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), out var read));
        Assert.Equal(Samples.VmWriteEvent(), read!.Original);
    }
}
