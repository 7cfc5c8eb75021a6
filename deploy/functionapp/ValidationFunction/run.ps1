# Queue trigger on the main queue (the queue Event Grid writes to): one message, one onboarding.
#
# The host has taken the message off the queue and completes it when this script returns. The workflow decides where the
# message goes (succeeded, retry with backoff, or poison with the reason) and writes it there itself, so an ignored,
# retried or poisoned event is a normal return. Only a failure to write that destination fails the invocation: the host
# then shows the message again after visibilityTimeout, and the workflow's state record and job name make the repeat safe.
param($QueueItem, $TriggerMetadata, $TraceContext)

# The trigger's metadata gives the result the message's id and delivery count (how often the host has shown it); the
# worker's trace context puts the event's trace under this invocation (one operation in Application Insights).
$result = Invoke-VmEventWorkflow -QueueItem $QueueItem -TriggerMetadata $TriggerMetadata -TraceParent $TraceContext.Traceparent -ErrorAction Stop

foreach ($r in $result) {
    Write-Information ('VmEventOps message {0} (dequeue {1}): {2} {3} {4}' -f $TriggerMetadata.Id, $r.DequeueCount, $r.Outcome, $r.Reason, $r.VmResourceId)
}
