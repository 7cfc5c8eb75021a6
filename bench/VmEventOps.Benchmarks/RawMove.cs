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
/// message deleted; so the bench shows how far the engine is from what its own storage calls allow. First it warms up
/// as the workflow's worker does (<see cref="JitSettling"/>): rounds of <c>--warm-round</c> messages, at most
/// <c>--warm</c> in all, on the account of <c>--warm-connection</c> (a fresh Azurite stays fresh for the timed part),
/// until a round and <c>--warm-pause</c> milliseconds after it compiled fewer than <c>--warm-threshold</c> methods.
/// </summary>
internal static class RawMove
{
    // About the size of a record the workflow writes (the VM, its rule, a history entry).
    private static readonly string RecordBody = new('r', 1200);

    public static Task<int> RunMoveAsync(Arguments args) => RunAsync(args, table: null);

    public static Task<int> RunEventAsync(Arguments args) => RunAsync(args, args.Text("table"));

    private static async Task<int> RunAsync(Arguments args, string? table)
    {
        var connection = args.Text("connection");
        var count = args.Number("count");
        var concurrency = args.Number("concurrency");
        var warm = args.Number("warm", 0);
        var warmConnection = args.OptionalText("warm-connection") ?? connection;

        // The messages to move: the size of a real event (not timed).
        var body = EventSeeder.CreateEvent(EventSeeder.DefaultSample, EventSeeder.VmId(1), DateTimeOffset.UtcNow);
        var warmedUp = 0;
        var rounds = 0;
        if (warm > 0)
        {
            var mover = await Mover.CreateAsync(warmConnection, args.Text("source") + "-warm", args.Text("target") + "-warm", table is null ? null : table + "warm");
            // No defaults here: the rule is Invoke-Benchmark.ps1's, which warms the workflow's worker by the same numbers.
            var round = Math.Max(1, args.Number("warm-round"));
            var settling = new JitSettling(args.Number("warm-threshold"), TimeSpan.FromMilliseconds(args.Number("warm-pause")));
            while (warmedUp < warm)
            {
                var size = Math.Min(round, warm - warmedUp);
                await mover.FillAsync(body, size);
                await MoveAsync(mover, size, concurrency);
                warmedUp += size;
                rounds++;
                if (await settling.SettledAsync()) break;
            }
        }

        var timed = await Mover.CreateAsync(connection, args.Text("source"), args.Text("target"), table);
        await timed.FillAsync(body, count);
        var clock = Stopwatch.StartNew();
        var moved = await MoveAsync(timed, count, concurrency);
        clock.Stop();

        Console.WriteLine(JsonSerializer.Serialize(new { count = moved, concurrency, seconds = clock.Elapsed.TotalSeconds, rate = moved / clock.Elapsed.TotalSeconds, warmUpMessages = warmedUp, warmUpRounds = rounds }));
        return 0;
    }

    // A source, a target and, for raw-event, the record table, on one account, doing a message's storage work.
    private sealed class Mover
    {
        private readonly QueueClient _target;
        private readonly TableClient? _table;

        private Mover(QueueClient source, QueueClient target, TableClient? table)
        {
            Source = source;
            _target = target;
            _table = table;
        }

        public QueueClient Source { get; }

        public static async Task<Mover> CreateAsync(string connection, string source, string target, string? table)
        {
            var mover = new Mover(new QueueClient(connection, source), new QueueClient(connection, target), table is null ? null : new TableClient(connection, table));
            await mover.Source.CreateIfNotExistsAsync();
            await mover._target.CreateIfNotExistsAsync();
            if (mover._table is not null) await mover._table.CreateIfNotExistsAsync();
            return mover;
        }

        public async Task FillAsync(string body, int count)
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) < count) await Source.SendMessageAsync(body);
            }));
        }

        public Task WorkAsync(QueueMessage message) => _table is null ? MoveAsync(message) : EventAsync(message);

        private async Task MoveAsync(QueueMessage message)
        {
            await _target.SendMessageAsync(message.MessageText);
            await Source.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        private async Task EventAsync(QueueMessage message)
        {
            var added = await _table!.AddEntityAsync(new TableEntity("vm", message.MessageId) { ["State"] = "InProgress" });
            var record = _table.UpdateEntityAsync(new TableEntity("vm", message.MessageId) { ["State"] = "Succeeded", ["Record"] = RecordBody }, added.Headers.ETag ?? ETag.All, TableUpdateMode.Replace);
            await Task.WhenAll(_target.SendMessageAsync(message.MessageText), record);
            await Source.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
    }

    // Receives and works through `count` messages in `concurrency` loops; a loop asks for no more than are left.
    private static async Task<int> MoveAsync(Mover mover, int count, int concurrency)
    {
        var source = mover.Source;
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
                    await mover.WorkAsync(message);
                    Interlocked.Increment(ref moved);
                }
            }
        }));
        return moved;
    }
}
