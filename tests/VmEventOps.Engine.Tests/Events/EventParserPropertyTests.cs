using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Events;

/// <summary>Whatever arrives in a queue, the parser answers with events or Malformed reasons; it never throws.</summary>
public sealed class EventParserPropertyTests
{
    private static readonly string Sample = Samples.VmWriteEvent();

    private static readonly string[] JsonValues = ["42", "-1.5e300", "true", "null", "[]", "[1,\"a\"]", "{}", "{\"a\":{\"b\":[]}}", "\"\"", "\"x\"", "\"{not json\"", "\"{\\\"scope\\\":1}\""];

    private static readonly string[] Fields =
        ["id", "eventType", "eventTime", "subject", "topic", "data", "authorization", "claims", "evidence", "resourceUri", "operationName", "status", "correlationId", "tenantId", "subscriptionId"];

    private static bool AnswersWithoutThrowing(string? body)
    {
        var result = EventParser.Parse(body);
        return (result.Events.Count > 0 || result.Failures.Count > 0)
            && result.Failures.All(f => f.Reason.StartsWith(RejectReasons.MalformedPrefix, StringComparison.Ordinal));
    }

    [Property(MaxTest = 300)]
    public bool Parse_RandomBytes_ShouldAnswerWithoutThrowing(byte[] bytes) =>
        AnswersWithoutThrowing(Encoding.UTF8.GetString(bytes)) && AnswersWithoutThrowing(Convert.ToBase64String(bytes));

    [Property(MaxTest = 300)]
    public bool Parse_RandomText_ShouldAnswerWithoutThrowing(string text) => AnswersWithoutThrowing(text);

    [Property(MaxTest = 300)]
    public bool Parse_TruncatedEvent_ShouldAnswerWithoutThrowing(PositiveInt cut)
    {
        var truncated = Sample[..(cut.Get % Sample.Length)];
        return AnswersWithoutThrowing(truncated) && AnswersWithoutThrowing(Convert.ToBase64String(Encoding.UTF8.GetBytes(truncated)));
    }

    [Property(MaxTest = 500)]
    public Property Parse_AnyFieldOfTheWrongType_ShouldAnswerWithoutThrowing() =>
        Prop.ForAll(Gen.Elements(Fields).ToArbitrary(), Gen.Elements(JsonValues).ToArbitrary(), (field, value) =>
        {
            // Replace the field's value (object, string or array) with a value of another type.
            var pattern = $"\"{field}\"\\s*:\\s*(\\{{[^{{}}]*\\}}|\\[[^\\[\\]]*\\]|\"[^\"]*\")";
            var mutated = System.Text.RegularExpressions.Regex.Replace(Sample, pattern, $"\"{field}\": {value}");
            return AnswersWithoutThrowing(mutated) && AnswersWithoutThrowing($"[{mutated},{Sample}]");
        });
}
