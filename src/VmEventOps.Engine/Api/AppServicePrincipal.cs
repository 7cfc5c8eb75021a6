using System.Text;
using System.Text.Json;

namespace VmEventOps.Engine.Api;

/// <summary>
/// The signed-in principal that App Service Authentication (Easy Auth) hands the app in the X-MS-CLIENT-PRINCIPAL
/// header: base64 JSON with auth_typ and claims (typ, val). Only trustworthy when authentication is enabled on the app
/// (the platform then strips any such header a client sent); <see cref="ApiCallerPolicy"/> checks that first.
/// </summary>
public sealed record AppServicePrincipal(string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups)
{
    /// <summary>The header's name.</summary>
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>The principal of a header value, or null when it is not one.</summary>
    public static AppServicePrincipal? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || header.Length > 64 * 1024) return null;
        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(header.Trim())), new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("claims", out var claims) || claims.ValueKind != JsonValueKind.Array) return null;
            var nameType = Text(root, "name_typ") ?? "name";
            var roleType = Text(root, "role_typ") ?? "roles";
            string? name = null;
            var roles = new List<string>();
            var groups = new List<string>();
            foreach (var claim in claims.EnumerateArray())
            {
                if (claim.ValueKind != JsonValueKind.Object || Text(claim, "typ") is not { } type || Text(claim, "val") is not { } value) continue;
                if (type == nameType || (name is null && type is "name" or "preferred_username")) name ??= value;
                if (type == roleType || type == "roles") roles.Add(value);
                if (type == "groups") groups.Add(value);
            }

            return new AppServicePrincipal(name ?? "(signed in)", roles, groups);
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
