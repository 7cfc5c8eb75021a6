namespace VmEventOps.Engine.Rules;

/// <summary>
/// An HTTP GET of a URL template (<c>https://{PrivateIpAddress}:8443/health</c>): it passes when the status is one of
/// <see cref="ExpectedStatus"/>. TLS validates the server's certificate unless <see cref="TrustServerCertificate"/>;
/// <see cref="HostNameInCertificate"/> names the certificate's host when the URL uses an address. Redirects are not followed.
/// </summary>
public sealed record HttpCheckSpec : CheckSpec
{
    public override CheckKind Kind => CheckKind.Http;

    public required string Url { get; init; }

    public IReadOnlyList<int> ExpectedStatus { get; init; } = [200];

    public bool TrustServerCertificate { get; init; }

    public string? HostNameInCertificate { get; init; }

    /// <summary>Headers sent (their values may be templates); values are secrets, never shown.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
