using System.Text.Json;

namespace VmEventOps.Engine.Events;

/// <summary>
/// Reads an event that a host already decoded into objects (the Functions PowerShell worker hands a
/// JSON queue item over as a hashtable): serializes the plain object graph back to JSON and parses it.
/// </summary>
public static class EventObjectParser
{
    // Deeper than the parser's 64 levels, so a graph the host cut at its own limit can still be written down (for
    // poison, as evidence) and is then refused by the parser.
    private static readonly JsonSerializerOptions Options = new() { MaxDepth = 80 };

    /// <summary>The reason of a graph nested deeper than the parser reads (or a cycle).</summary>
    public static readonly string TooDeep = RejectReasons.Malformed("TooDeep");

    /// <summary>
    /// Parses a graph of dictionaries (string keys), lists and primitives. Anything that cannot be
    /// written as JSON comes back as <c>Malformed:NotSerializable</c>.
    /// </summary>
    public static EventParseResult Parse(object graph) =>
        ToJson(graph) is { } json ? EventParser.Parse(json) : new EventParseResult([], [new EventParseFailure(null, RejectReasons.Malformed("NotSerializable"))]);

    /// <summary>The graph as JSON text, or null when it cannot be written as JSON.</summary>
    public static string? ToJson(object graph)
    {
        try
        {
            return JsonSerializer.Serialize(graph, Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }
}
