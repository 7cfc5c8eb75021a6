using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Events;

/// <summary>
/// Events and envelopes as an attacker writes them: lone surrogates, byte order marks, control characters, line breaks,
/// depth and forged headers. The parser and the envelope reader answer, never throw, and what they hand on is clean.
/// </summary>
public sealed class HostileEventTests
{
    private static readonly string Sample = Samples.VmWriteEvent();

    // Pieces of a JSON string's content, as written in the JSON text (escapes included).
    private static readonly string[] Pieces =
        ["\\ud800", "\\udfff", "\\udc00\\ud800", "\\ud83d\\ude00", "\\u0000", "\\r\\n", "\\n", "\\u2028", "\\u0085", "\uFEFF", "\\ufeff", "\u202E", "é", "😀", "<script>", "\\\"", "\\\\", "a", " ", "\t"];

    private static readonly string[] StringFields = ["id", "eventType", "subject", "topic", "resourceUri", "operationName", "status", "correlationId", "tenantId", "action", "scope"];

    private static Arbitrary<string> HostileContent() => Gen.ArrayOf(Gen.Elements(Pieces)).Select(string.Concat).ToArbitrary();

    private static string WithField(string json, string field, string content) =>
        System.Text.RegularExpressions.Regex.Replace(json, $"\"{field}\"\\s*:\\s*\"[^\"]*\"", $"\"{field}\": \"{content}\"");

    private static bool IsCleanEvent(VmEvent e) =>
        new[] { e.EventId, e.EventType, e.Subject, e.Topic, e.OperationName, e.Status, e.CorrelationId, e.Caller, e.TenantId, e.SubscriptionId }
            .All(t => t is null || InputText.IsClean(t))
        && JsonSerializer.Serialize(e) is { Length: > 0 };   // everything handed on can be written as JSON

    [Property(MaxTest = 400)]
    public Property Parse_HostileTextInAnyStringField_ShouldAnswerWithCleanEventsOrMalformedReasons() =>
        Prop.ForAll(Gen.Elements(StringFields).ToArbitrary(), HostileContent(), (field, content) =>
        {
            var mutated = WithField(Sample, field, content);
            foreach (var body in new[] { mutated, "\uFEFF" + mutated, Convert.ToBase64String(Encoding.UTF8.GetBytes(mutated)), $"[{mutated},{Sample}]" })
            {
                var result = EventParser.Parse(body);
                if (result.Events.Count + result.Failures.Count == 0) return false;
                if (!result.Events.All(IsCleanEvent)) return false;
                if (!result.Failures.All(f => f.Reason.StartsWith(RejectReasons.MalformedPrefix, StringComparison.Ordinal))) return false;
            }

            return true;
        });

    [Theory]
    [InlineData("id")]
    [InlineData("subject")]
    [InlineData("resourceUri")]
    [InlineData("eventType")]
    [InlineData("operationName")]
    public void Parse_ALoneSurrogateInAFieldItReads_ShouldBeMalformedInvalidUnicode(string field)
    {
        var result = EventParser.Parse(WithField(Sample, field, "vm\\ud800"));

        Assert.Equal(["Malformed:InvalidUnicode"], result.Failures.Select(f => f.Reason));
    }

    [Fact]
    public void Parse_ALoneSurrogateWhereNothingReadsIt_ShouldStillReadTheEvent()
    {
        var node = JsonNode.Parse(Sample)!;
        node["data"]!["unrelated"] = "placeholder";
        var json = node.ToJsonString().Replace("placeholder", "\\udfff", StringComparison.Ordinal);

        Assert.Single(EventParser.Parse(json).Events);
    }

    [Theory]
    [InlineData("\uFEFF")]
    [InlineData("\uFEFF  \r\n")]
    [InlineData("  \uFEFF")]
    public void Parse_RawJsonAfterAByteOrderMark_ShouldReadTheEvent(string prefix)
    {
        Assert.Single(EventParser.Parse(prefix + Sample).Events);
        Assert.Equal(Sample, EventParser.Decode(prefix + Sample));
    }

    [Theory]
    [InlineData(40)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(100_000)]
    public void Parse_NestingAtAndOverTheLimit_ShouldAnswerWithoutThrowing(int depth)
    {
        var nested = new string('[', depth) + new string(']', depth);
        var inData = System.Text.RegularExpressions.Regex.Replace(Sample, "\"data\"\\s*:\\s*\\{", $"\"data\": {{\"deep\": {nested},");
        Assert.Contains("\"deep\"", inData);

        var result = EventParser.Parse(nested);
        var inEvent = EventParser.Parse(inData);

        Assert.NotEmpty(result.Failures);
        Assert.Equal(depth <= 40, inEvent.Events.Count == 1);   // past the parser's 64 levels: no event, a reason
    }

    [Fact]
    public void Parse_ACorrelationIdOf50KBWithLineBreaks_ShouldDropItAndKeepTheEvent()
    {
        var node = JsonNode.Parse(Sample)!;
        node["data"]!["correlationId"] = "abc\r\nInjected: yes" + new string('x', 50_000);

        var vmEvent = Assert.Single(EventParser.Parse(node.ToJsonString()).Events);

        Assert.Null(vmEvent.CorrelationId);
    }

    [Fact]
    public void Parse_AnIdWithLineBreaksAndMarkup_ShouldKeepItBoundedOnOneLine()
    {
        var node = JsonNode.Parse(Sample)!;
        node["id"] = "id\r\n<script>alert(1)</script>" + new string('y', 10_000);

        var vmEvent = Assert.Single(EventParser.Parse(node.ToJsonString()).Events);

        Assert.True(InputText.IsClean(vmEvent.EventId!));
        Assert.True(vmEvent.EventId!.Length <= 256);
    }

    [Property(MaxTest = 300)]
    public bool EnvelopeTryParse_AnyHeaderText_ShouldAnswerWithoutThrowingAndHandOnCleanFields(string reason, int attempt, string stage)
    {
        var header = JsonSerializer.Serialize(new { envelope = "VmEventOps/1", attempt, reason, history = new[] { new { time = DateTimeOffset.UnixEpoch, stage, error = reason } }, traceParent = stage });
        foreach (var body in new[] { header + "\n" + Sample, header.Replace("VmEventOps/1\"", "VmEventOps/1\",\"x\":\"\\ud800\"", StringComparison.Ordinal) + "\n{}" })
        {
            if (!MessageEnvelope.TryParse(body, out var envelope)) continue;
            if (envelope!.Attempt is < 0 or > MessageEnvelope.MaxAttemptValue) return false;
            if (envelope.Reason is { } r && !InputText.IsClean(r)) return false;
            if (envelope.History.Any(h => !InputText.IsClean(h.Stage) || (h.Error is { } e && !InputText.IsClean(e)))) return false;
            if (envelope.TraceParent is not null && !System.Diagnostics.ActivityContext.TryParse(envelope.TraceParent, null, out _)) return false;
            _ = envelope.Serialize();   // and what was read can be written again
        }

        return true;
    }

    [Theory]
    [InlineData("{\"envelope\":\"VmEventOps/1\",\"attempt\":-1000000}", true, 0)]
    [InlineData("{\"envelope\":\"VmEventOps/1\",\"attempt\":2147483647}", true, MessageEnvelope.MaxAttemptValue)]
    [InlineData("{\"envelope\":\"VmEventOps/1\",\"attempt\":2147483648}", false, 0)]
    [InlineData("{\"envelope\":\"VmEventOps/1\",\"reason\":\"\\ud800\"}", false, 0)]
    [InlineData("{\"envelope\":\"VmEventOps/1\",\"originalBlob\":\"../../secrets\"}", false, 0)]
    public void EnvelopeTryParse_AForgedHeader_ShouldClampOrRefuse(string header, bool isEnvelope, int attempt)
    {
        Assert.Equal(isEnvelope, MessageEnvelope.TryParse(header + "\n" + Sample, out var envelope));
        if (isEnvelope) Assert.Equal(attempt, envelope!.Attempt);
    }

    [Fact]
    public void EnvelopeTryParse_ForgedHistoryAndTrace_ShouldBeCleanedAndDropped()
    {
        var header = "{\"envelope\":\"VmEventOps/1\",\"attempt\":1,\"traceParent\":\"not-a-trace\",\"history\":[" +
            string.Join(",", Enumerable.Range(0, 500).Select(i => $"{{\"time\":\"2026-01-01T00:00:00Z\",\"stage\":\"S{i}\\r\\nFake: line\",\"error\":\"{new string('e', 5000)}\"}}")) + "]}";

        Assert.True(MessageEnvelope.TryParse(header + "\n" + Sample, out var envelope));

        Assert.Null(envelope!.TraceParent);
        Assert.Equal(MessageEnvelope.MaxHistory, envelope.History.Count);
        Assert.All(envelope.History, h => Assert.True(InputText.IsClean(h.Stage) && h.Error!.Length <= MessageEnvelope.MaxErrorLength));
    }

    [Theory]
    [InlineData("abc", 10, "abc")]
    [InlineData("a\r\nb", 10, "a  b")]
    [InlineData("abcdefghij", 5, "abcd…")]
    [InlineData("ab😀cd", 4, "ab…")]
    [InlineData("\u2028\u0085", 10, "  ")]
    public void Clean_Text_ShouldBeOneBoundedLineOfValidText(string text, int max, string expected) => Assert.Equal(expected, InputText.Clean(text, max));

    [Fact]
    public void Clean_ALoneSurrogate_ShouldBeReplaced()
    {
        Assert.Equal("x\uFFFDy\uFFFD", InputText.Clean("x\ud800y\udc00", 10));
        Assert.False(InputText.IsClean("x\ud800"));
        Assert.True(InputText.IsClean("x\ud83d\ude00"));
    }

    [Property(MaxTest = 500)]
    public bool Clean_AnyText_ShouldBeCleanAndWithinItsLength(string text, PositiveInt max)
    {
        var limit = max.Get % 300 + 1;
        var cleaned = InputText.Clean(text, limit);
        return cleaned is null ? text is null : InputText.IsClean(cleaned) && cleaned.Length <= limit && Encoding.UTF8.GetByteCount(cleaned) >= 0;
    }
}
