# Timer (the ReconcileSchedule app setting; deploy/infra sets it hourly): the sweep.
#
# Replays the events Event Grid dead-lettered, lists every VM in the allowed scopes (ARM, or one Resource Graph query with
# VMEVENTOPS_RECONCILESOURCE=ResourceGraph) and queues an event for each VM that was never onboarded, so the
# ValidationFunction onboards it; reports records of deleted VMs. One summary line per run, which a Log Analytics query can
# read (AppTraces | where Message startswith "VmEventOpsReconcile "), and a warning for each scope not listed to its end
# (ARM throttling with a long Retry-After: the next run lists it again).
param($Timer)

if ($Timer.IsPastDue) {
    Write-Warning 'The sweep is running later than scheduled (the app was idle or busy).'
}

$output = @(Sync-VmOnboarding -Confirm:$false -ErrorAction Stop)
$summary = $output | Where-Object { $_.PSObject.TypeNames -contains 'VmEventOps.Engine.Reconcile.VmReconcileSummary' } | Select-Object -Last 1
foreach ($item in $output | Where-Object { $_.PSObject.TypeNames -contains 'VmEventOps.Engine.Reconcile.VmReconcileItem' }) {
    Write-Information ('VmEventOps sweep: {0} {1} ({2})' -f $item.Action, $item.Name, $item.Reason)
}
if ($summary) {
    Write-Information ('VmEventOpsReconcile ' + ([ordered]@{
                vms = $summary.Vms; queued = $summary.Queued; onboarded = $summary.Onboarded; gone = $summary.Gone
                deadLettersReplayed = $summary.DeadLettersReplayed; deadLettersUnreadable = $summary.DeadLettersUnreadable
                armPages = $summary.ArmPages; complete = $summary.Complete; seconds = [math]::Round($summary.Elapsed.TotalSeconds, 1)
                retryAfterSeconds = if ($null -ne $summary.RetryAfter) { [int] $summary.RetryAfter.TotalSeconds }
            } | ConvertTo-Json -Compress))
}
