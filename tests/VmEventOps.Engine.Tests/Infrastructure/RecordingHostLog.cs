using System.Collections.Concurrent;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>A host that records every message, for asserting what the engine told the user.</summary>
public sealed class RecordingHostLog : IHostLog
{
    private readonly ConcurrentQueue<(string Level, string Message)> _messages = new();

    public IReadOnlyList<(string Level, string Message)> Messages => _messages.ToArray();

    public IEnumerable<string> Warnings => Messages.Where(m => m.Level == "Warning").Select(m => m.Message);

    public IEnumerable<string> Verbose => Messages.Where(m => m.Level == "Verbose").Select(m => m.Message);

    public string AllText => string.Join("\n", Messages.Select(m => m.Message));

    void IHostLog.Verbose(string message) => _messages.Enqueue(("Verbose", message));

    public void Warning(string message) => _messages.Enqueue(("Warning", message));

    public void Debug(string message) => _messages.Enqueue(("Debug", message));

    public void Progress(HostProgress progress) => _messages.Enqueue(("Progress", $"{progress.Activity}: {progress.Status}"));
}
