using System.Text.Json;
using System.Text.Json.Serialization;

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

    // The same graph with Infinity and NaN written as strings: evidence for poison of a graph JSON cannot carry.
    private static readonly JsonSerializerOptions EvidenceOptions = new() { MaxDepth = 80, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The reason of a graph nested deeper than the parser reads (or a cycle).</summary>
    public static readonly string TooDeep = RejectReasons.Malformed("TooDeep");

    /// <summary>The reason of a graph that cannot be written as JSON at all.</summary>
    public static readonly string NotSerializable = RejectReasons.Malformed("NotSerializable");

    /// <summary>The reason of a graph holding a number JSON cannot carry (Infinity, -Infinity, NaN: what 1e999 becomes).</summary>
    public static readonly string NonFiniteNumber = RejectReasons.Malformed("NonFiniteNumber");

    /// <summary>
    /// Parses a graph of dictionaries (string keys), lists and primitives. Anything that cannot be
    /// written as JSON comes back as <c>Malformed:NotSerializable</c> (<c>Malformed:NonFiniteNumber</c> for Infinity or NaN).
    /// </summary>
    public static EventParseResult Parse(object graph)
    {
        var (json, problem) = Write(graph);
        return problem is null ? EventParser.Parse(json!) : new EventParseResult([], [new EventParseFailure(null, problem)]);
    }

    /// <summary>The graph as JSON text, or null when it cannot be written as JSON.</summary>
    public static string? ToJson(object graph) => Write(graph) is { Problem: null, Json: var json } ? json : null;

    /// <summary>
    /// The graph as JSON text and, when it is no event's JSON, why: a number JSON cannot carry gives its reason and the
    /// graph written with that number as a string (evidence for poison); a graph that cannot be written at all, no text.
    /// Never throws.
    /// </summary>
    public static (string? Json, string? Problem) Write(object graph)
    {
        try
        {
            return (JsonSerializer.Serialize(graph, Options), null);
        }
        catch (ArgumentException)
        {
            // System.Text.Json refuses a non-finite double or float ("cannot be written as valid JSON").
            return (Evidence(graph), NonFiniteNumber);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return (null, NotSerializable);
        }
    }

    private static string? Evidence(object graph)
    {
        try
        {
            return JsonSerializer.Serialize(graph, EvidenceOptions);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }
}
