using System.Text.Json;
using System.Text.Json.Nodes;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// The secrets in the rules' JSON: the value of every property whose name says it is one (Password, Secret, Token,
/// ApiKey, ConnectionString) and of every HTTP header. They are masked wherever the rules or a check's result are shown.
/// </summary>
public static class RuleSecrets
{
    private static readonly string[] SecretWords = ["password", "secret", "token", "apikey", "connectionstring"];

    /// <summary>The secret values in <paramref name="json"/> (none when it is not JSON).</summary>
    public static IReadOnlyList<string> In(string? json)
    {
        var found = new List<string>();
        if (Parse(json) is { } node) Walk(node, inSecret: false, found, mask: false);
        return found;
    }

    /// <summary><paramref name="json"/> with every secret value replaced by <c>***</c>; text that is not JSON is masked whole.</summary>
    public static string Redact(string json)
    {
        if (Parse(json) is not { } node) return Configuration.SecretRedactor.Mask;
        Walk(node, inSecret: false, [], mask: true);
        return node.ToJsonString();
    }

    /// <summary>True for a property name that holds a secret.</summary>
    public static bool IsSecretName(string name) => SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase)) || string.Equals(name, "Headers", StringComparison.OrdinalIgnoreCase);

    private static JsonNode? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static void Walk(JsonNode node, bool inSecret, List<string> found, bool mask)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToArray())
                {
                    if (value is null) continue;
                    var secret = inSecret || IsSecretName(name);
                    if (secret && value is JsonValue leaf && leaf.TryGetValue<string>(out var text))
                    {
                        found.Add(text);
                        if (mask) obj[name] = Configuration.SecretRedactor.Mask;
                    }
                    else
                    {
                        Walk(value, secret, found, mask);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is not { } item) continue;
                    if (inSecret && item is JsonValue leaf && leaf.TryGetValue<string>(out var text))
                    {
                        found.Add(text);
                        if (mask) array[i] = Configuration.SecretRedactor.Mask;
                    }
                    else
                    {
                        Walk(item, inSecret, found, mask);
                    }
                }

                break;
        }
    }
}
