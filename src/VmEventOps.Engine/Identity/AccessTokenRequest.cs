namespace VmEventOps.Engine.Identity;

/// <summary>What Get-VmAccessToken asks for.</summary>
public sealed record AccessTokenRequest
{
    /// <summary>A resource URI (audience); when null, <see cref="ResourceType"/> decides.</summary>
    public string? Resource { get; init; }

    /// <summary>The service, when no <see cref="Resource"/> is given.</summary>
    public TokenResourceType ResourceType { get; init; } = TokenResourceType.Arm;

    /// <summary>A tenant other than the credential's own.</summary>
    public string? TenantId { get; init; }

    /// <summary>Return the token as a String instead of a SecureString.</summary>
    public bool AsPlainText { get; init; }

    /// <summary>Ask the identity endpoint again even when a cached token is still good.</summary>
    public bool ForceRefresh { get; init; }
}
