using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using VmEventOps.Engine.Api;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.Dashboard;

/// <summary>
/// The local dashboard: the static UI and the HTTP API (<see cref="ApiRouter"/>) on 127.0.0.1 only, over the BCL's
/// <see cref="HttpListener"/>. Every API call must carry the access token made at start (in the header
/// <see cref="TokenHeader"/>): the token is only in the URL's fragment, which the browser never sends, so another
/// local user or a page of another site (which cannot add the header without a CORS preflight nobody answers) can
/// neither read nor act. A Host header other than the listener's own is refused (DNS rebinding).
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    /// <summary>The header that carries the access token.</summary>
    public const string TokenHeader = "X-VmEventOps-Token";

    /// <summary>The largest request body read (an action's JSON is small).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private readonly Func<ApiRequest, CancellationToken, Task<ApiResponse>> _api;
    private readonly StaticFiles _files;
    private readonly IHostLog _log;
    private readonly HttpListener _listener;
    private readonly byte[] _token;

    private DashboardServer(Func<ApiRequest, CancellationToken, Task<ApiResponse>> api, StaticFiles files, IHostLog log, HttpListener listener, int port, string token)
    {
        _api = api;
        _files = files;
        _log = log;
        _listener = listener;
        Port = port;
        Token = token;
        _token = Encoding.UTF8.GetBytes(token);
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>The access token (random, made at start).</summary>
    public string Token { get; }

    /// <summary>The URL to open: the token in its fragment.</summary>
    public string Url => $"http://127.0.0.1:{Port}/#token={Token}";

    /// <summary>Requests answered so far.</summary>
    public int Requests => _requests;

    private int _requests;

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> (0: a free port) and serves the files of <paramref name="staticRoot"/> and the API.</summary>
    public static DashboardServer Start(Func<ApiRequest, CancellationToken, Task<ApiResponse>> api, string staticRoot, int port, IHostLog log)
    {
        var files = StaticFiles.Load(staticRoot);
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        for (var tries = 0; ; tries++)
        {
            var chosen = port == 0 ? FreePort() : port;
            var listener = new HttpListener { IgnoreWriteExceptions = true };
            listener.Prefixes.Add($"http://127.0.0.1:{chosen}/");
            try
            {
                listener.Start();
                return new DashboardServer(api, files, log, listener, chosen, token);
            }
            catch (HttpListenerException e) when (port == 0 && tries < 5)
            {
                log.Debug($"Port {chosen} was taken meanwhile ({e.ErrorCode}); trying another.");
                listener.Close();
            }
            catch (HttpListenerException e)
            {
                listener.Close();
                throw new VmEventOpsException(ErrorIds.DashboardPortUnavailable, VmErrorCategory.ResourceUnavailable,
                    $"The dashboard cannot listen on 127.0.0.1:{chosen}: {e.Message}", chosen, e);
            }
        }
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> is cancelled, then stops listening and finishes the requests in flight.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var inFlight = new List<Task>();
        using var stop = cancellationToken.Register(() => _listener.Stop());
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }

            inFlight.RemoveAll(t => t.IsCompleted);
            inFlight.Add(Task.Run(() => ServeAsync(context, cancellationToken), CancellationToken.None));
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
        return _requests;
    }

    /// <summary>Stops listening.</summary>
    public ValueTask DisposeAsync()
    {
        _listener.Close();
        return ValueTask.CompletedTask;
    }

    private async Task ServeAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        try
        {
            Interlocked.Increment(ref _requests);
            var request = context.Request;
            SecurityHeaders(response);
            // Loopback only, whatever the listener's prefix lets through (http.sys may route by Host on every address).
            if (request.RemoteEndPoint is not { } remote || !IPAddress.IsLoopback(remote.Address))
            {
                await WriteAsync(response, 403, "text/plain; charset=utf-8", "Forbidden."u8.ToArray()).ConfigureAwait(false);
                return;
            }

            if (!string.Equals(request.Headers["Host"], $"127.0.0.1:{Port}", StringComparison.OrdinalIgnoreCase))
            {
                await WriteAsync(response, 421, "text/plain; charset=utf-8", "Misdirected request: open the dashboard at 127.0.0.1."u8.ToArray()).ConfigureAwait(false);
                return;
            }

            var path = request.Url?.AbsolutePath ?? "/";
            if (path.StartsWith("/api/", StringComparison.Ordinal) || path == "/api")
            {
                await ServeApiAsync(request, response, path, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (request.HttpMethod is not ("GET" or "HEAD"))
            {
                await WriteAsync(response, 405, "text/plain; charset=utf-8", "Method not allowed."u8.ToArray()).ConfigureAwait(false);
                return;
            }

            if (_files.Find(path) is { } file)
            {
                await WriteAsync(response, 200, file.ContentType, file.Content, request.HttpMethod == "HEAD").ConfigureAwait(false);
            }
            else
            {
                await WriteAsync(response, 404, "text/plain; charset=utf-8", "Not found."u8.ToArray()).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            _log.Debug($"A dashboard request ended early: {e.GetType().Name}.");
        }
        catch (Exception e)
        {
            // Anything else is ours: logged (its type only; the text may quote what a request carried), answered 500 when
            // nothing was sent yet, and never the end of the server.
            _log.Warning($"A dashboard request failed: {e.GetType().Name}.");
            try
            {
                await WriteAsync(response, 500, "text/plain; charset=utf-8", "The dashboard failed to answer; see the warning in its session."u8.ToArray()).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The headers were already sent: the connection is closed below.
            }
        }
        finally
        {
            response.Close();
        }
    }

    private async Task ServeApiAsync(HttpListenerRequest request, HttpListenerResponse response, string path, CancellationToken cancellationToken)
    {
        response.Headers["Cache-Control"] = "no-store";
        var given = request.Headers[TokenHeader];
        if (given is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _token))
        {
            var refused = ApiJson.Write(ApiJson.Error(ErrorIds.ApiTokenRequired, $"This API needs the dashboard's access token in the {TokenHeader} header: open the URL Start-VmEventDashboard printed."));
            await WriteAsync(response, 403, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(refused)).ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            var tooLarge = ApiJson.Write(ApiJson.Error(ErrorIds.ApiInvalidBody, $"The body is larger than {MaxBodyBytes} bytes."));
            await WriteAsync(response, 413, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(tooLarge)).ConfigureAwait(false);
            return;
        }

        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in request.QueryString.AllKeys)
        {
            if (key is not null && request.QueryString[key] is { } value) query[key] = value;
        }

        var answer = await _api(new ApiRequest
        {
            Method = request.HttpMethod,
            Action = path.Length > 5 ? path[5..] : string.Empty,
            Query = query,
            Body = body,
            Caller = new ApiCaller("local dashboard", CanAct: true),
        }, cancellationToken).ConfigureAwait(false);
        if (answer.Failure is { } failure) _log.Warning($"Correlation id {answer.CorrelationId}: {failure.GetType().Name}: {failure.Message}");
        await WriteAsync(response, answer.Status, ApiResponse.ContentType, Encoding.UTF8.GetBytes(answer.Body)).ConfigureAwait(false);
    }

    private static async Task<string?> ReadBodyAsync(HttpListenerRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasEntityBody) return string.Empty;
        if (request.ContentLength64 > MaxBodyBytes) return null;
        var buffer = new byte[MaxBodyBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.InputStream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0) read += n;
        return read > MaxBodyBytes ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static void SecurityHeaders(HttpListenerResponse response)
    {
        response.Headers["Content-Security-Policy"] = StaticFiles.ContentSecurityPolicy;
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["X-Frame-Options"] = "DENY";
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, byte[] body, bool headOnly = false)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = body.Length;
        // HEAD gets the headers of GET and no body.
        if (!headOnly) await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
