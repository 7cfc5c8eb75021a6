using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VmEventOps.Benchmarks;

/// <summary>
/// A counting reverse proxy in front of Azurite's queue and table endpoints: the module talks to it as to the storage
/// account (Shared Key signs the path, not the host, so requests pass unchanged) and it counts every operation by
/// service, method and kind. GET /_counts on either address returns the counts; POST /_counts/reset clears them.
/// </summary>
internal static class StorageProxy
{
    private static readonly ConcurrentDictionary<string, int> Counts = new();
    private static readonly HttpClient Upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = System.Net.DecompressionMethods.None, MaxConnectionsPerServer = 256 });

    public static async Task<int> RunAsync(Arguments args)
    {
        var queue = await StartAsync("queue", new Uri(args.Text("queue")));
        var table = await StartAsync("table", new Uri(args.Text("table")));
        Console.WriteLine(JsonSerializer.Serialize(new { queue = queue.Url, table = table.Url }));
        await Console.In.ReadToEndAsync();   // serve until the driver closes standard input
        await queue.App.StopAsync();
        await table.App.StopAsync();
        return 0;
    }

    private static async Task<(WebApplication App, string Url)> StartAsync(string service, Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/_counts", () => Results.Json(new SortedDictionary<string, int>(Counts)));
        app.MapPost("/_counts/reset", () => { Counts.Clear(); return Results.Ok(); });
        // Everything else, any method, goes upstream (a route, so the two above take precedence).
        app.Map("/{**path}", (RequestDelegate)(context => ForwardAsync(service, upstream, context)));
        await app.StartAsync();
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/'));
    }

    private static async Task ForwardAsync(string service, Uri upstream, HttpContext context)
    {
        var request = context.Request;
        Counts.AddOrUpdate($"{service} {request.Method} {Kind(service, request.Path.Value ?? string.Empty)}", 1, (_, n) => n + 1);

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(upstream, request.Path.Value + request.QueryString.Value));
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            forward.Content = new StreamContent(request.Body);
        }

        foreach (var header in request.Headers)
        {
            if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            if (!forward.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
            {
                forward.Content?.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        using var response = await Upstream.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) continue;
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    // /devstoreaccount1/{queue}/messages[/{id}] -> messages; /devstoreaccount1/{queue} -> queue;
    // /devstoreaccount1/Tables -> tables; /devstoreaccount1/{table}(PartitionKey=...,RowKey=...) -> entity; $batch -> batch.
    private static string Kind(string service, string path)
    {
        var parts = path.Trim('/').Split('/');
        if (service == "queue") return parts.Length >= 3 && parts[2] == "messages" ? (parts.Length > 3 ? "message" : "messages") : "queue";
        if (parts.Length >= 2 && parts[1].StartsWith("$batch", StringComparison.Ordinal)) return "batch";
        if (parts.Length >= 2 && parts[1].StartsWith("Tables", StringComparison.Ordinal)) return "tables";
        return parts.Length >= 2 && parts[1].Contains('(', StringComparison.Ordinal) ? "entity" : "table";
    }
}
