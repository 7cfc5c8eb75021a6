using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Identity;

/// <summary>An access token with what its JWT says about it. Never printed whole: its default view hides the token.</summary>
public sealed record VmAccessToken
{
    /// <summary>The token: a SecureString, or a String when asked for as plain text.</summary>
    public required object Token { get; init; }

    /// <summary>When it expires.</summary>
    public required DateTimeOffset ExpiresOn { get; init; }

    /// <summary>The resource (audience) it was requested for.</summary>
    public required string Resource { get; init; }

    /// <summary>The tenant that issued it (<c>tid</c>).</summary>
    public string? TenantId { get; init; }

    /// <summary>The identity's object id (<c>oid</c>).</summary>
    public string? ObjectId { get; init; }

    /// <summary>The identity's application (client) id (<c>appid</c>).</summary>
    public string? ClientId { get; init; }

    /// <summary>The same as <see cref="ClientId"/>, by the name Az uses.</summary>
    public string? AppId => ClientId;

    /// <summary>The identity type (<c>idtyp</c>): app for service principals and managed identities, user for people.</summary>
    public string? IdentityType { get; init; }

    /// <summary>The credential that answered (in Auto mode, the one the chain settled on).</summary>
    public required AuthMode AuthMode { get; init; }

    /// <summary>True when the token came from the module's cache rather than a new request.</summary>
    public bool FromCache { get; init; }
}
