namespace VmEventOps.Engine.Logging;

/// <summary>A host that listens to nothing, for callers that want no messages.</summary>
public sealed class NullHostLog : IHostLog
{
    /// <summary>The single instance.</summary>
    public static readonly NullHostLog Instance = new();

    private NullHostLog() { }

    public void Verbose(string message) { }

    public void Warning(string message) { }

    public void Debug(string message) { }

    public void Progress(HostProgress progress) { }
}
