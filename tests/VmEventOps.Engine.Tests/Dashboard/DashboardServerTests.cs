using System.Net;
using System.Net.Sockets;
using System.Text;
using VmEventOps.Engine.Api;
using VmEventOps.Engine.Dashboard;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Dashboard;

/// <summary>The local dashboard's server without a browser: loopback only, the token, the Host header, files by name, stopping.</summary>
public sealed class DashboardServerTests : IAsyncLifetime, IDisposable
{
    private static readonly string Files = Path.Combine(Repository.Root, "module", "Dashboard");
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ApiRequest> _calls = [];
    private DashboardServer _server = null!;
    private Task<int> _serving = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _server = DashboardServer.Start(Answer, Files, 0, NullHostLog.Instance);
        _serving = _server.RunAsync(_stop.Token);
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_server.Port}/") };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _serving;
        await _server.DisposeAsync();
    }

    public void Dispose()
    {
        _http.Dispose();
        _stop.Dispose();
    }

    private Task<ApiResponse> Answer(ApiRequest request, CancellationToken cancellationToken)
    {
        lock (_calls) _calls.Add(request);
        // A router that fails in a way no catch of the server names: the server must answer and go on.
        if (request.Action == "explode") throw new NotSupportedException("a bug of ours");
        return Task.FromResult(new ApiResponse(200, "{\"ok\":true}"));
    }

    private static HttpRequestMessage Api(HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Add(DashboardServer.TokenHeader, token);
        return request;
    }

    [Fact]
    public async Task Start_ShouldListenOnLoopbackAndPutARandomTokenInTheUrlsFragment()
    {
        Assert.StartsWith($"http://127.0.0.1:{_server.Port}/#token=", _server.Url);
        Assert.True(_server.Token.Length >= 40);
        await using var other = DashboardServer.Start(Answer, Files, 0, NullHostLog.Instance);
        Assert.NotEqual(_server.Token, other.Token);
    }

    [Fact]
    public async Task Api_WithTheToken_ShouldReachTheRouterWithTheActionQueryBodyAndALocalCallerWhoMayAct()
    {
        using var request = Api(HttpMethod.Post, "api/requeue?force=true", _server.Token);
        request.Content = new StringContent("{\"messageIds\":[\"a\"]}", Encoding.UTF8, "application/json");

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var call = Assert.Single(_calls);
        Assert.Equal(("POST", "requeue", "true", "{\"messageIds\":[\"a\"]}", true), (call.Method, call.Action, call.QueryValue("force"), call.Body, call.Caller.CanAct));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong")]
    public async Task Api_WithoutTheToken_ShouldAnswer403AndNotReachTheRouter(string? token)
    {
        using var read = Api(HttpMethod.Get, "api/status", token);
        using var act = Api(HttpMethod.Post, "api/onboard", token);

        var responses = new[] { await _http.SendAsync(read), await _http.SendAsync(act) };

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Contains(ErrorIds.ApiTokenRequired, await responses[1].Content.ReadAsStringAsync());
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task Request_WithAnotherHostHeader_ShouldBeRefused()
    {
        // A name that resolves to 127.0.0.1 (DNS rebinding) brings its own Host header.
        using var request = Api(HttpMethod.Get, "api/status", _server.Token);
        request.Headers.Host = "attacker.example:" + _server.Port;

        var response = await _http.SendAsync(request);

        // HttpListener matches its prefix on the Host header itself (404); the server checks it again (421).
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MisdirectedRequest });
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task Files_ShouldBeServedByNameWithTheContentSecurityPolicyAndNothingOutsideTheFolder()
    {
        var index = await _http.GetAsync("");
        var script = await _http.GetAsync("app.js");

        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", index.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        foreach (var path in new[] { "../VmEventOps.Format.ps1xml", "%2e%2e/VmEventOps.Format.ps1xml", "missing.js", "en-US/about_VmEventOps.help.txt" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(path)).StatusCode);
        }
    }

    [Fact]
    public async Task Api_WithABodyOverTheLimit_ShouldAnswer413()
    {
        using var request = Api(HttpMethod.Post, "api/requeue", _server.Token);
        request.Content = new StringContent(new string('x', DashboardServer.MaxBodyBytes + 1), Encoding.UTF8, "application/json");

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_calls);
    }

    [Fact]
    public void Start_OnAPortInUse_ShouldFailWithVmDashboardPortUnavailable()
    {
        var failure = Assert.Throws<VmEventOpsException>(() => DashboardServer.Start(Answer, Files, _server.Port, NullHostLog.Instance));

        Assert.Equal(ErrorIds.DashboardPortUnavailable, failure.ErrorId);
    }

    [Fact]
    public async Task Run_WhenCancelled_ShouldStopListeningAndReturn()
    {
        var server = DashboardServer.Start(Answer, Files, 0, NullHostLog.Instance);
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(stop.Token);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync($"http://127.0.0.1:{server.Port}/")).StatusCode);

        await stop.CancelAsync();

        Assert.Same(serving, await Task.WhenAny(serving, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.True(await serving >= 1);
        await server.DisposeAsync();
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, server.Port));
    }

    [Fact]
    public async Task Api_WhenTheRouterThrowsSomethingUnforeseen_ShouldAnswer500AndKeepServing()
    {
        using var failing = Api(HttpMethod.Get, "api/explode", _server.Token);
        using var next = Api(HttpMethod.Get, "api/status", _server.Token);

        var failed = await _http.SendAsync(failing);
        var after = await _http.SendAsync(next);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.DoesNotContain("a bug of ours", await failed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Head_OfAFile_ShouldSendItsHeadersAndNoBody()
    {
        using var get = await _http.GetAsync("index.html");
        using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "index.html"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public void BrowserLauncher_ShouldHandTheBrowserAFileOnlyThisUserReads_NotTheUrlWithItsToken()
    {
        const string url = "http://127.0.0.1:5123/#token=Launcher-Token-Secret&x=\"<b>";

        var path = BrowserLauncher.WriteLauncher(url);
        try
        {
            Assert.DoesNotContain("Launcher-Token-Secret", path);
            var page = File.ReadAllText(path);
            Assert.Contains("Launcher-Token-Secret", page);
            Assert.DoesNotContain("\"<b>", page);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
