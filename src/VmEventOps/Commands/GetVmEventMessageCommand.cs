using System.Management.Automation;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;
using VmEventOps.Hosting;
using VmEventOps.Engine.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Shows the messages in one of the workflow queues, with the events they hold and their history.</para>
/// <para type="description">Peeks by default: up to 32 messages from the front of the queue (the most Azure peeks), and nothing
/// changes. With -Lease, receives them instead and hides them for that long; each then carries its PopReceipt, so it can be
/// moved with Send-VmEventMessage. With -All, pages through the whole queue with progress: Azure can only page by receiving,
/// so each message is hidden while the rest are read and made visible again at the end (its DequeueCount rises by one), or
/// kept hidden for -Lease when that is given too.</para>
/// <para type="description">Each VmEventMessage shows the attempt count, the last error and the reason of an envelope (retry,
/// succeeded and poison queues), and the events inside with the filter's Accepted and RejectReason. Without AllowedScopes
/// the queue can still be looked into: every event is then not accepted (ScopeNotConfigured), with one warning. Whatever a
/// message holds (invalid JSON, a lone surrogate, a forged envelope, a claim-check pointer whose blob is gone), it is shown
/// with its ParseFailures; a message too large to wrap is shown with its original read back from its blob
/// (OriginalBlob).</para>
/// <example>
///   <code>Get-VmEventMessage -Queue Poison | Format-List MessageId, Reason, LastError, Attempt</code>
///   <para>Shows why messages ended in the poison queue.</para>
/// </example>
/// <example>
///   <code>Get-VmEventMessage -All | Where-Object { -not $_.Event.Accepted } | Select-Object MessageId, @{ n = 'Reason'; e = { $_.Event.RejectReason } }</code>
///   <para>Lists the messages in the main queue that the filter would not onboard, and why.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmEventMessage", DefaultParameterSetName = PeekSet)]
[OutputType(typeof(VmEventMessage))]
public sealed class GetVmEventMessageCommand : QueueCmdlet
{
    private const string PeekSet = "Peek";
    private const string AllSet = "All";

    /// <summary>
    /// <para type="description">The queue to read: Main (default), Retry, Succeeded or Poison.</para>
    /// </summary>
    [Parameter(Position = 0)]
    [PSDefaultValue(Value = "Main")]
    public QueueKind Queue { get; set; } = QueueKind.Main;

    /// <summary>
    /// <para type="description">How many messages to peek or receive, 1 to 32.</para>
    /// </summary>
    [Parameter(ParameterSetName = PeekSet)]
    [ValidateRange(1, QueueManager.MaxBatch)]
    [PSDefaultValue(Value = 32)]
    public int MaxMessages { get; set; } = QueueManager.MaxBatch;

    /// <summary>
    /// <para type="description">Receive instead of peek, hiding the messages from other readers for this long (up to 7 days).
    /// The output then carries each message's PopReceipt.</para>
    /// </summary>
    [Parameter]
    [ValidateTimeSpanRange("00:00:01", "7.00:00:00")]
    public TimeSpan? Lease { get; set; }

    /// <summary>
    /// <para type="description">Read the whole queue, not only its front (see the description for what that changes).</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    private bool _warned;

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var configuration = LoadQueueConfiguration();
        var filter = EventFilter.ForViewing(configuration.Options.Onboarding.AllowedScopes);
        if (filter.IsUnscoped && !_warned)
        {
            _warned = true;
            WriteWarning($"{EventFilter.ScopeNotConfiguredMessage} The messages are shown with Accepted = False (ScopeNotConfigured).");
        }

        var manager = VmEventEngine.For(configuration.Options).Queues(Log);
        var queue = Queue;
        IReadOnlyList<VmEventMessage> messages;
        if (All)
        {
            messages = Run(token => manager.ReceiveAllAsync(queue, Lease ?? TimeSpan.FromMinutes(2), keepLeases: Lease is not null, filter, token));
        }
        else if (Lease is { } lease)
        {
            messages = Run(token => manager.ReceiveAsync(queue, MaxMessages, lease, filter, token));
        }
        else
        {
            messages = Run(token => manager.PeekAsync(queue, MaxMessages, filter, token));
        }

        WriteObject(messages, enumerateCollection: true);
    }
}
