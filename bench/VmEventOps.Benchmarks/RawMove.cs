using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Queues;

namespace VmEventOps.Benchmarks;

/// <summary>
/// The raw limit: with the SDK the engine uses, move N messages from one queue to another at a concurrency — receive
/// up to 32, send each to the target, delete it from the source — and nothing else. The workflow's throughput is
/// reported as a fraction of this rate measured in the same run.
/// </summary>
internal static class RawMove
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var connection = args.Text("connection");
        var count = args.Number("count");
        var concurrency = args.Number("concurrency");
        var source = new QueueClient(connection, args.Text("source"));
        var target = new QueueClient(connection, args.Text("target"));
        await source.CreateIfNotExistsAsync();
        await target.CreateIfNotExistsAsync();

        // The messages to move: the size of a real event (not timed).
        var body = EventSeeder.CreateEvent(EventSeeder.DefaultSample, EventSeeder.VmId(1), DateTimeOffset.UtcNow);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count) await source.SendMessageAsync(body);
        }));

        var moved = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Volatile.Read(ref moved) < count)
            {
                var batch = (await source.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
                if (batch.Length == 0)
                {
                    await Task.Delay(20);
                    continue;
                }

                foreach (var message in batch)
                {
                    await target.SendMessageAsync(message.MessageText);
                    await source.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                    Interlocked.Increment(ref moved);
                }
            }
        }));
        clock.Stop();

        Console.WriteLine(JsonSerializer.Serialize(new { count = moved, concurrency, seconds = clock.Elapsed.TotalSeconds, rate = moved / clock.Elapsed.TotalSeconds }));
        return 0;
    }
}
