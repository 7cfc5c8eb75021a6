using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using VmEventOps.Engine.Telemetry;

namespace VmEventOps.Engine.Arm;

/// <summary>
/// Counts and times every try of an ARM request (placed per retry, so 429s waited out by Azure.Core show too), tagged
/// with the operation (resource type and verb, as in ARM's own operation names: <c>Microsoft.Compute/virtualMachines/read</c>)
/// and the HTTP status. Nothing is recorded unless a metrics listener is attached.
/// </summary>
internal sealed class ArmRequestMetricsPolicy : HttpPipelinePolicy
{
    public static readonly ArmRequestMetricsPolicy Instance = new();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            Record(message, started);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            Record(message, started);
        }
    }

    private static void Record(HttpMessage message, long started)
    {
        if (!VmEventTelemetry.ArmRequests.Enabled && !VmEventTelemetry.ArmDuration.Enabled) return;
        var tags = new TagList
        {
            { VmEventTelemetry.ArmOperationTag, Operation(message.Request.Method, message.Request.Uri.Path) },
            { VmEventTelemetry.HttpStatusTag, message.HasResponse ? message.Response.Status : 0 },
        };
        VmEventTelemetry.ArmRequests.Add(1, tags);
        VmEventTelemetry.ArmDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tags);
    }

    /// <summary>
    /// "Namespace/type[/child type…]/verb" from a resource path: names dropped, so the tag has a handful of values
    /// (…/providers/Microsoft.Automation/automationAccounts/aa/jobs/j/output, GET → Microsoft.Automation/automationAccounts/jobs/output/read).
    /// </summary>
    internal static string Operation(RequestMethod method, string path)
    {
        var verb = method == RequestMethod.Get ? "read" : method == RequestMethod.Put ? "write" : method == RequestMethod.Delete ? "delete" : "action";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var providers = Array.FindLastIndex(segments, s => s.Equals("providers", StringComparison.OrdinalIgnoreCase));
        if (providers < 0 || providers + 2 >= segments.Length) return "other/" + verb;
        // After the namespace: type, name, child type, name, …; a trailing segment without a name is an action or a sub-resource (output, streams).
        var type = new List<string> { segments[providers + 1] };
        for (var i = providers + 2; i < segments.Length; i += 2) type.Add(segments[i]);
        return string.Join('/', type) + "/" + verb;
    }
}
