using System.Diagnostics;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace VmEventOps.Benchmarks;

/// <summary>
/// The raw limits, with the SDKs the engine uses, at a concurrency: receive up to 32 and for each message do the storage
/// work and nothing else. <c>raw-move</c>: send it to the target, delete it from the source (the queue-move limit the
/// workflow's throughput is a fraction of). <c>raw-event</c>: the storage a new VM's event costs the workflow, in its
/// order: its record inserted (the claim), then the message sent to the target beside the record written over, then the
/// message deleted; so the bench shows how far the engine is from what its own storage calls allow. The first
/// <c>--warm</c> messages are moved untimed, as the workflow's run starts on a running worker.
/// </summary>
internal static class RawMove
{
    // About the size of a record the workflow writes (the VM, its rule, a history entry).
    private static readonly string RecordBody = new('r', 1200);

    public static Task<int> RunMoveAsync(Arguments args) => RunAsync(args, table: null);

    public static async Task<int> RunEventAsync(Arguments args)
    {
        var table = new TableClient(args.Text("connection"), args.Text("table"));
        await table.CreateIfNotExistsAsync();
        return await RunAsync(args, table);
    }

    private static async Task<int> RunAsync(Arguments args, TableClient? table)
    {
        var connection = args.Text("connection");
        var count = args.Number("count");
        var concurrency = args.Number("concurrency");
        var warm = args.Number("warm", 0);
        var source = new QueueClient(connection, args.Text("source"));
        var target = new QueueClient(connection, args.Text("target"));
        await source.CreateIfNotExistsAsync();
        await target.CreateIfNotExistsAsync();
        async Task Move(QueueMessage message)
        {
            await target.SendMessageAsync(message.MessageText);
            await source.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        async Task Event(QueueMessage message)
        {
            var added = await table!.AddEntityAsync(new TableEntity("vm", message.MessageId) { ["State"] = "InProgress" });
            var record = table.UpdateEntityAsync(new TableEntity("vm", message.MessageId) { ["State"] = "Succeeded", ["Record"] = RecordBody }, added.Headers.ETag ?? ETag.All, TableUpdateMode.Replace);
            await Task.WhenAll(target.SendMessageAsync(message.MessageText), record);
            await source.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        Func<QueueMessage, Task> work = table is null ? Move : Event;

        // The messages to move: the size of a real event (not timed).
        var body = EventSeeder.CreateEvent(EventSeeder.DefaultSample, EventSeeder.VmId(1), DateTimeOffset.UtcNow);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count + warm) await source.SendMessageAsync(body);
        }));

        // The warm-up one at a time, never more than asked: the rest stay for the timed part.
        await MoveAsync(source, warm, 1, work);
        var clock = Stopwatch.StartNew();
        var moved = await MoveAsync(source, count, concurrency, work);
        clock.Stop();

        Console.WriteLine(JsonSerializer.Serialize(new { count = moved, concurrency, seconds = clock.Elapsed.TotalSeconds, rate = moved / clock.Elapsed.TotalSeconds }));
        return 0;
    }

    // Receives and works through `count` messages in `concurrency` loops; a loop asks for no more than are left.
    private static async Task<int> MoveAsync(QueueClient source, int count, int concurrency, Func<QueueMessage, Task> work)
    {
        var moved = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Volatile.Read(ref moved) < count)
            {
                var batch = (await source.ReceiveMessagesAsync(Math.Clamp(count - Volatile.Read(ref moved), 1, 32), TimeSpan.FromMinutes(5))).Value;
                if (batch.Length == 0)
                {
                    await Task.Delay(20);
                    continue;
                }

                foreach (var message in batch)
                {
                    await work(message);
                    Interlocked.Increment(ref moved);
                }
            }
        }));
        return moved;
    }
}
