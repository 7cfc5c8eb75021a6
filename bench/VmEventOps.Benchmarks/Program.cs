using BenchmarkDotNet.Running;
using VmEventOps.Benchmarks;

// build.ps1 -Task Bench drives this tool (bench/Invoke-Benchmark.ps1); each mode prints one JSON line.
//   micro [BenchmarkDotNet arguments]   the engine's hot paths, with allocations
//   seed --connection CS --queue Q --sample FILE --first I --count N [--concurrency C] [--rate R] [--sent FILE] [--after-empty SECONDS] [--rounds R]
//   raw-move --connection CS --source Q --target Q --count N --concurrency C [--warm N --warm-round N --warm-threshold N --warm-pause MS] [--warm-connection CS]
//   raw-event --connection CS --source Q --target Q --table T --count N --concurrency C [--warm N --warm-round N --warm-threshold N --warm-pause MS] [--warm-connection CS]
//   proxy --queue URL --table URL       counting proxy in front of Azurite, until standard input closes
return args switch
{
    ["micro", .. var rest] => RunMicro(rest),
    ["seed", .. var rest] => await EventSeeder.RunAsync(new Arguments(rest)),
    ["raw-move", .. var rest] => await RawMove.RunMoveAsync(new Arguments(rest)),
    ["raw-event", .. var rest] => await RawMove.RunEventAsync(new Arguments(rest)),
    ["proxy", .. var rest] => await StorageProxy.RunAsync(new Arguments(rest)),
    _ => Usage(),
};

static int RunMicro(string[] rest)
{
    BenchmarkSwitcher.FromAssembly(typeof(EngineBenchmarks).Assembly).Run(rest);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: VmEventOps.Benchmarks micro|seed|raw-move|raw-event|proxy ... (see Program.cs)");
    return 2;
}
