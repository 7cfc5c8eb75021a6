using System.Diagnostics;
using VmEventOps.Engine.Telemetry;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// The current stage of processing one message: a child activity of the message's activity (when traces are listened
/// to) and a sample of the stage-duration histogram (always). One stage at a time: starting the next ends the last.
/// </summary>
internal sealed class StageSpan(Activity? parent) : IDisposable
{
    private readonly Stopwatch _clock = new();
    private string? _name;
    private Activity? _span;

    /// <summary>Ends the current stage and starts <paramref name="name"/>.</summary>
    public void Start(string name)
    {
        End();
        _name = name;
        _clock.Restart();
        // Under the message's activity. Started from the current one when that is it, so that ending the stage makes the
        // message's activity current again (and the Azure SDK's own activities nest under ours); from its context otherwise.
        _span = parent is null ? null
            : Activity.Current == parent ? VmEventTelemetry.Source.StartActivity(name, ActivityKind.Internal)
            : VmEventTelemetry.Source.StartActivity(name, ActivityKind.Internal, parent.Context);
        _span?.SetTag(VmEventTelemetry.StageTag, name);
    }

    /// <summary>Marks the current stage failed (with a bounded code, never an error text) and ends it.</summary>
    public void Fail(string code)
    {
        // As a tag too: some exporters (Azure Monitor's) drop a status description.
        _span?.SetStatus(ActivityStatusCode.Error, code).SetTag(VmEventTelemetry.ReasonTag, code);
        End();
    }

    /// <summary>Ends the current stage, if any.</summary>
    public void End()
    {
        if (_name is null) return;
        _span?.Dispose();
        VmEventTelemetry.StageDuration.Record(_clock.Elapsed.TotalMilliseconds, new KeyValuePair<string, object?>(VmEventTelemetry.StageTag, _name));
        _name = null;
        _span = null;
    }

    /// <summary>
    /// A stage that runs beside this one (its own child of the message's activity, its own sample). Call it in the flow the
    /// beside stage runs in: the message's activity becomes current there, so the stage and the SDK's activities nest under it.
    /// </summary>
    public StageSpan Beside()
    {
        if (parent is not null) Activity.Current = parent;
        return new(parent);
    }

    public void Dispose() => End();
}
