# Timer (every five minutes): the retry pass, then the queue depths for the alert.
#
# Messages wait in the retry queue, invisible, until their backoff has passed; this processes those that are due, each
# with the whole workflow (onboarded, scheduled again with a longer delay, or poisoned after the last attempt). The pass
# stops taking messages after four minutes, so two passes never overlap.
param($Timer)

if ($Timer.IsPastDue) {
    Write-Warning 'The retry pass is running later than scheduled (the app was idle or busy); due messages have waited longer than their backoff.'
}

$output = @(Start-VmEventRetry -TimeBudget '00:04:00' -ErrorAction Stop)
$summary = $output | Where-Object { $_.PSObject.TypeNames -contains 'VmEventOps.Engine.Workflow.WorkerSummary' } | Select-Object -Last 1
if ($summary) { Write-Information "VmEventOps retry pass: $summary" }

# One line per run with every queue's depth, which the Log Analytics alert in deploy/infra reads
# (AppTraces | where Message startswith "VmEventOpsQueueStatus ").
$depths = [ordered]@{}
foreach ($queue in Get-VmEventQueueStatus -ErrorAction Stop) { $depths["$($queue.Queue)".ToLowerInvariant()] = $queue.ApproximateCount }
Write-Information ('VmEventOpsQueueStatus ' + ($depths | ConvertTo-Json -Compress))
