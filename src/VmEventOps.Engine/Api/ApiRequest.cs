namespace VmEventOps.Engine.Api;

/// <summary>
/// One call of the HTTP API, as any host hands it over (the Function app's HTTP trigger, the local dashboard): the
/// method, the action (the path after the API's root), the query, the body's text and who is calling.
/// </summary>
public sealed record ApiRequest
{
    /// <summary>GET or POST (any case).</summary>
    public required string Method { get; init; }

    /// <summary>The action: status, health, records, trail, poison, onboard, requeue (empty means status).</summary>
    public required string Action { get; init; }

    /// <summary>The query string's values (names compared without case).</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The body's text (JSON), or null.</summary>
    public string? Body { get; init; }

    /// <summary>Who calls, and whether they may act.</summary>
    public required ApiCaller Caller { get; init; }

    /// <summary>The query value of <paramref name="name"/> (any case), or null.</summary>
    public string? QueryValue(string name)
    {
        foreach (var pair in Query)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase)) return pair.Value;
        }

        return null;
    }
}
