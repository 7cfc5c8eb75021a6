using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;

namespace VmEventOps.Benchmarks;

/// <summary>
/// Enqueues ResourceWriteSuccess events for vm-load-{i} (the ARM emulator's load VMs) as Event Grid writes them:
/// the real event shape (tests/samples/azure), base64. Fast (parallel sends) or paced at a rate, recording when each
/// was sent for the latency measurement.
/// </summary>
internal static class EventSeeder
{
    public const string Subscription = "11111111-2222-3333-4444-555555555555";
    public static readonly string DefaultSample = FindSample();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Samples = new();

    public static string VmId(int index) =>
        $"/subscriptions/{Subscription}/resourceGroups/rg-load/providers/Microsoft.Compute/virtualMachines/vm-load-{index:0000}";

    private static async Task WaitUntilEmptyAsync(QueueClient queue, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < patience && (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0) await Task.Delay(50);
    }

    public static async Task<int> RunAsync(Arguments args)
    {
        // --rounds R: R queues, QUEUE-1 to QUEUE-R, of --count events each, for VMs from --first on (a worker's warm-up,
        // worked through a queue at a time until the JIT has settled).
        if (args.OptionalText("rounds") is not null)
        {
            var rounds = args.Number("rounds");
            var size = args.Number("count");
            for (var round = 1; round <= rounds; round++)
            {
                await SeedAsync(args, $"{args.Text("queue")}-{round}", args.Number("first") + (round - 1) * size);
            }

            Console.WriteLine(JsonSerializer.Serialize(new { count = rounds * size, rounds }));
            return 0;
        }

        return await SeedAsync(args, args.Text("queue"), args.Number("first"));
    }

    private static async Task<int> SeedAsync(Arguments args, string queueName, int first)
    {
        var sample = args.OptionalText("sample") ?? DefaultSample;
        var queue = new QueueClient(args.Text("connection"), queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        var count = args.Number("count");
        var concurrency = args.Number("concurrency", 16);
        var rate = args.Decimal("rate", 0);
        var sentFile = args.OptionalText("sent");
        // --after-empty SECONDS: start once the queue is empty (a worker has taken the warm-up message, so it is up), or
        // after that long at the most: latency is measured on a running worker, not on one still starting.
        if (args.OptionalText("after-empty") is { } patience) await WaitUntilEmptyAsync(queue, TimeSpan.FromSeconds(double.Parse(patience, System.Globalization.CultureInfo.InvariantCulture)));
        var sent = new (string Vm, DateTimeOffset At)[count];
        var clock = Stopwatch.StartNew();
        var next = -1;

        await Task.WhenAll(Enumerable.Range(0, rate > 0 ? 1 : concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                if (rate > 0)
                {
                    var due = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
                    if (due > TimeSpan.Zero) await Task.Delay(due);
                }

                var vm = VmId(first + i);
                var at = DateTimeOffset.UtcNow;
                await queue.SendMessageAsync(CreateEvent(sample, vm, at));
                sent[i] = ($"vm-load-{first + i:0000}", at);
            }
        }));

        if (sentFile is not null)
        {
            await File.WriteAllLinesAsync(sentFile, sent.Select(s => JsonSerializer.Serialize(new { vm = s.Vm, sentAt = s.At })));
        }

        if (args.OptionalText("rounds") is null) Console.WriteLine(JsonSerializer.Serialize(new { count, seconds = clock.Elapsed.TotalSeconds }));
        return 0;
    }

    /// <summary>The sample event with this VM's ID, a new id and correlation id, and the time.</summary>
    public static string CreateEvent(string samplePath, string vmId, DateTimeOffset at)
    {
        var node = JsonNode.Parse(Samples.GetOrAdd(samplePath, File.ReadAllText))!.AsObject();
        node["subject"] = vmId;
        node["id"] = Guid.NewGuid().ToString("D");
        node["eventTime"] = at.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        node["topic"] = $"/subscriptions/{Subscription}";
        var data = node["data"]!.AsObject();
        data["resourceUri"] = vmId;
        data["subscriptionId"] = Subscription;
        data["correlationId"] = Guid.NewGuid().ToString("D");
        data["authorization"]!["scope"] = vmId;
        return node.ToJsonString();
    }

    private static string FindSample()
    {
        // tests/samples/azure/eventgrid-resourcewritesuccess-vm.json, found from the tool's folder or the repo.
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, "tests", "samples", "azure", "eventgrid-resourcewritesuccess-vm.json");
                if (File.Exists(path)) return path;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "eventgrid-resourcewritesuccess-vm.json");
    }
}
