using System.Management.Automation;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Reports how many messages each workflow queue holds and whether that is healthy.</para>
/// <para type="description">Writes one row per queue (Main, Retry, Succeeded, Poison) with its name, approximate
/// message count, the age of its oldest visible message, and a health verdict with the reason. The retry queue is
/// unhealthy above -RetryThreshold messages and the poison queue above -PoisonThreshold (by default: anything in
/// poison), the signal the design alerts the admin on. A main queue that does not exist is unhealthy (Event Grid
/// has nowhere to deliver); the other queues are created on first use.</para>
/// <para type="description">Messages waiting in the retry queue are invisible until they are due, so the oldest
/// visible message may be younger than the oldest message.</para>
/// <example>
///   <code>Get-VmEventQueueStatus</code>
///   <para>Shows the four queues of the configured storage account.</para>
/// </example>
/// <example>
///   <code>Get-VmEventQueueStatus -ConnectionString 'UseDevelopmentStorage=true' -RetryThreshold 20 | Where-Object { -not $_.Healthy }</code>
///   <para>Lists the queues of the local Azurite that need attention, with a retry alert above 20 messages.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmEventQueueStatus")]
[OutputType(typeof(QueueStatus))]
public sealed class GetVmEventQueueStatusCommand : QueueCmdlet
{
    /// <summary>
    /// <para type="description">The most messages the retry queue may hold and still be healthy.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    [PSDefaultValue(Value = 100)]
    public int RetryThreshold { get; set; } = 100;

    /// <summary>
    /// <para type="description">The most messages the poison queue may hold and still be healthy.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    [PSDefaultValue(Value = 0)]
    public int PoisonThreshold { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var configuration = LoadQueueConfiguration();
        var manager = VmEventEngine.For(configuration.Options).Queues(Log);
        var thresholds = new QueueHealthThresholds { Retry = RetryThreshold, Poison = PoisonThreshold };
        WriteObject(Run(token => manager.GetStatusAsync(thresholds, token)), enumerateCollection: true);
    }
}
