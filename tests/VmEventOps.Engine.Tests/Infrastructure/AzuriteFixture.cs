using System.Diagnostics;
using System.Text.RegularExpressions;
using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>
/// Azurite (blobs, queues and tables) in memory on free loopback ports, for the tests of one collection.
/// Azurite comes from the repo's package-lock.json (build.ps1 installs it); a missing install fails
/// the tests with the command to run, it never skips them.
/// </summary>
public sealed partial class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's documented, public development account key: not a secret.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public const string AccountName = "devstoreaccount1";

    private Process? _process;

    public Uri QueueUri { get; private set; } = null!;

    public Uri TableUri { get; private set; } = null!;

    public Uri BlobUri { get; private set; } = null!;

    /// <summary>The account's connection string with its blob (the claim check), queue and table endpoints.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobUri};QueueEndpoint={QueueUri};TableEndpoint={TableUri}";

    /// <summary>The same account without its blob endpoint: no claim check is possible.</summary>
    public string ConnectionStringWithoutBlobs =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};QueueEndpoint={QueueUri};TableEndpoint={TableUri}";

    /// <summary>Options on this Azurite with four queues of the caller's own, so tests never see each other's messages.</summary>
    public VmEventOptions UniqueQueues()
    {
        var prefix = "t" + Guid.NewGuid().ToString("n")[..10];
        return new VmEventOptions
        {
            StorageConnectionString = ConnectionString,
            QueueName = prefix + "-main",
            RetryQueueName = prefix + "-retry",
            SucceededQueueName = prefix + "-ok",
            PoisonQueueName = prefix + "-poison",
        };
    }

    public async Task InitializeAsync()
    {
        var script = Path.Combine(Repository.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed ({script} is missing): run 'npm ci' in {Repository.Root}, or build.ps1 -Task Test.");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     script, "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent",
                     "--blobHost", "127.0.0.1", "--blobPort", "0", "--queueHost", "127.0.0.1", "--queuePort", "0",
                     "--tableHost", "127.0.0.1", "--tablePort", "0",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var errors = _process.StandardError.ReadToEndAsync();
        var urls = new Dictionary<string, Uri>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (urls.Count < 3)
        {
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null) throw new InvalidOperationException("Azurite exited: " + await errors);
            var match = Listening().Match(line);
            if (match.Success) urls[match.Groups[1].Value] = new Uri(match.Groups[2].Value + "/" + AccountName);
        }

        // Keep reading so a full pipe can never block Azurite.
        var output = _process.StandardOutput;
        _ = Task.Run(async () =>
        {
            while (await output.ReadLineAsync() is not null) { }
        });
        QueueUri = urls["Queue"];
        TableUri = urls["Table"];
        BlobUri = urls["Blob"];
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at (http://\S+)")]
    private static partial Regex Listening();
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
