using System.Net.Http;
using System.Security.Authentication;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// An HTTP GET of the URL template: it passes when the answer's status is expected. A certificate that does not validate
/// is a setting to fix (no retry); a refused connection or another status is worth a retry when the rule says so.
/// </summary>
internal sealed class HttpCheck(HttpCheckSpec spec, CheckHttpClients clients) : IVmCheck
{
    public string Name => spec.Name;

    public async Task<CheckResult> RunAsync(VmFacts vm, CancellationToken cancellationToken)
    {
        // The URL is checked again once filled (scheme, no user, the template's host), before any header is added.
        if (FactTemplate.RenderUrl(spec.Url, vm.Vm) is not { } uri)
        {
            return CheckResult.Error(Name, "no URL", new Failure(ErrorIds.CheckError, VmErrorCategory.InvalidData, true, null, $"the URL template gives no URL for {vm.Vm.VmName} (no private address yet?)."));
        }

        var shown = $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}";
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        // The name the certificate holds, when the URL uses an address: sent as Host, so TLS checks that name.
        // A template of trusted facts ({VmName}.corp.example), filled as a host.
        if (spec.HostNameInCertificate is { } template && FactTemplate.RenderHost(template, vm.Vm) is { Length: > 0 } name)
        {
            request.Headers.Host = uri.IsDefaultPort ? name : $"{name}:{uri.Port}";
        }

        foreach (var (header, value) in spec.Headers) request.Headers.TryAddWithoutValidation(header, FactTemplate.Render(value, vm.Vm));
        try
        {
            using var response = await clients.For(spec.TrustServerCertificate).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return spec.ExpectedStatus.Contains(status)
                ? CheckResult.Pass(Name, $"OK ({status} {shown})")
                : CheckResult.Fail(Name, $"{status} from {shown}", new Failure(ErrorIds.CheckFailed, VmErrorCategory.InvalidResult, spec.Retryable, null,
                    $"{shown} answered {status}, expected {string.Join(" or ", spec.ExpectedStatus)}."));
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            return CheckResult.Fail(Name, $"TLS {shown}", new Failure(ErrorIds.CheckFailed, VmErrorCategory.SecurityError, false, null,
                $"the TLS handshake with {shown} failed (the certificate does not validate, or names another host: see HostNameInCertificate, TrustServerCertificate)."));
        }
        catch (HttpRequestException e)
        {
            return CheckResult.Fail(Name, $"unreachable {shown}", new Failure(ErrorIds.CheckFailed, VmErrorCategory.ConnectionError, spec.Retryable, null,
                $"{shown} could not be reached ({e.HttpRequestError})."));
        }
    }
}
