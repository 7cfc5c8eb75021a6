using System.Net.Security;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// The HTTP clients of Http checks, one per process (in the registry of the composition root): one that validates the
/// server's certificate, one that accepts any (TrustServerCertificate, test servers). Neither follows redirects, sends
/// credentials of its own, or keeps cookies.
/// </summary>
internal sealed class CheckHttpClients
{
    private readonly Lazy<HttpClient> _validating = new(() => Create(trustAny: false));
    private readonly Lazy<HttpClient> _trusting = new(() => Create(trustAny: true));

    public HttpClient For(bool trustServerCertificate) => trustServerCertificate ? _trusting.Value : _validating.Value;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5359", Justification = "Only for an Http check whose rule says TrustServerCertificate (test servers), as the database checks' setting of that name; the validating client is the default.")]
    private static HttpClient Create(bool trustAny)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            Credentials = null,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        if (trustAny) handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
