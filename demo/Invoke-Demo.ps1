<#
.SYNOPSIS
    The demo workflow, run by build.ps1 -Task Demo in a pwsh of its own against Azurite and the local emulators
    (settings arrive as VMEVENTOPS_* environment variables, as in a Function app).
#>
param([Parameter(Mandatory)] [string] $ModulePath, [Parameter(Mandatory)] [string] $DatabaseFolder, [Parameter(Mandatory)] [string] $VmIds,
    # Keep the dashboard open at the end, until Ctrl+C.
    [switch] $Dashboard)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
$vm1, $vm2, $vm3, $elsewhere = $VmIds -split ","
$results = [System.Collections.Generic.List[object]]::new()

Write-Host "`n== 0. The settings: the storage connection string is a Key Vault reference, read with the managed identity"
$secretSettings = Get-VmEventConfiguration -Name StorageConnectionString, AuthMode -Validate
$secretSettings | Format-Table | Out-String -Width 120 | Write-Host
if (-not ($secretSettings | Where-Object Name -EQ StorageConnectionString).Resolved) { throw 'The storage connection string did not resolve from Key Vault.' }

Write-Host "== 1. Event Grid delivers: three new VMs, a duplicate, a VM outside the allowed scope, a malformed message"
$null = Send-VmEventMessage -VmResourceId $vm1 -Reason 'demo: new VM'
$null = Send-VmEventMessage -VmResourceId $vm2 -Reason 'demo: new VM'
$null = Send-VmEventMessage -VmResourceId $vm3 -Reason 'demo: new VM, its database is not up yet'
$null = Send-VmEventMessage -VmResourceId $vm1 -Reason 'demo: the same deployment raises a second event'
$null = Send-VmEventMessage -VmResourceId $elsewhere -Reason 'demo: forged, outside the allowed scope'
$null = Send-VmEventMessage -Body 'this is not an event'
Get-VmEventQueueStatus | Format-Table -AutoSize | Out-String -Width 120 | Write-Host

Write-Host "== 2. The worker processes the main queue"
Start-VmEventWorker -Concurrency 4 -MaxRunTime 00:00:08 | ForEach-Object { if ($_.PSObject.TypeNames[0] -like '*VmEventResult') { $results.Add($_) } }

Write-Host "== 3. vm-demo-03's database comes up; an update of vm-demo-01 raises another event"
Set-Content (Join-Path $DatabaseFolder 'vm-demo-03.db') -Value $null
$null = Send-VmEventMessage -VmResourceId $vm1 -Reason 'demo: a tag was added to an onboarded VM'
Start-VmEventWorker -MaxRunTime 00:00:04 | ForEach-Object { if ($_.PSObject.TypeNames[0] -like '*VmEventResult') { $results.Add($_) } }
Start-Sleep -Seconds 3   # the retry's backoff

Write-Host "== 4. The retry pass (the timer-triggered Function)"
Start-VmEventRetry | ForEach-Object { if ($_.PSObject.TypeNames[0] -like '*VmEventResult') { $results.Add($_) } }

Write-Host "`n== Outcomes"
$results | Select-Object @{ n = 'VmName'; e = { if ($_.VmName) { $_.VmName } else { '(not an event)' } } }, Outcome, Attempt, PrivateIpAddress, Reason |
    Format-Table -AutoSize | Out-String -Width 120 | Write-Host
Write-Host "== Queues"
Get-VmEventQueueStatus | Format-Table -AutoSize | Out-String -Width 120 | Write-Host
Write-Host "== Onboarding state"
Get-VmOnboardingState | Format-Table -AutoSize | Out-String -Width 120 | Write-Host
Write-Host "== What happened to vm-demo-03? (Get-VmEventTrail)"
$trail = @(Get-VmEventTrail -VmResourceId $vm3)
$trail | Format-Table | Out-String -Width 160 | Write-Host
Write-Host "== Its trace in VMEVENTOPS_TRACEFILE ($env:VMEVENTOPS_TRACEFILE)"
$spans = @(Get-Content $env:VMEVENTOPS_TRACEFILE | ConvertFrom-Json)
$attempts = @($spans | Where-Object { $_.name -eq 'VmEventOps.ProcessMessage' -and $_.tags.'vmeventops.vm_resource_id' -eq $vm3 })
$attempts | ForEach-Object {
    $attempt = $_
    $stages = ($spans | Where-Object { $_.parentSpanId -eq $attempt.spanId -and $_.name -ne 'VmEventOps.ProcessMessage' } | ForEach-Object { '{0} {1:0} ms{2}' -f $_.name, $_.durationMs, $(if ($_.status -eq 'Error') { ' (failed)' }) }) -join ', '
    [pscustomobject]@{ TraceId = $_.traceId; Attempt = $_.tags.'vmeventops.attempt'; Outcome = $_.tags.'vmeventops.outcome'; Ms = [int]$_.durationMs; Stages = $stages }
} | Format-Table -AutoSize -Wrap | Out-String -Width 160 | Write-Host

# The demo checks itself: the run must end as the story says.
$byVm = $results | Group-Object VmName -AsHashTable -AsString
$expected = @{
    'vm-demo-01' = 'Succeeded'; 'vm-demo-02' = 'Succeeded'; 'vm-elsewhere' = 'Ignored'
}
$problems = @()
foreach ($name in $expected.Keys) { if ($byVm[$name].Outcome -notcontains $expected[$name]) { $problems += "$name did not end $($expected[$name])" } }
if (@($byVm['vm-demo-01'].Outcome | Where-Object { "$_" -eq 'AlreadyOnboarded' }).Count -lt 1) { $problems += 'the update of vm-demo-01 was not AlreadyOnboarded' }
if ($byVm['vm-demo-03'].Outcome -notcontains 'RetryScheduled' -or $byVm['vm-demo-03'].Outcome -notcontains 'Succeeded') { $problems += 'vm-demo-03 was not retried to success' }
if (@($results | Where-Object { "$($_.Outcome)" -eq 'DeadLettered' }).Count -ne 1) { $problems += 'the malformed message was not dead-lettered' }
if (($trail | Where-Object Source -eq 'State').Status -join ',' -ne 'FirstSeen,RetryScheduled,Succeeded') { $problems += "vm-demo-03's trail does not show its retry and success" }
if ($attempts.Count -ne 2 -or @($attempts.traceId | Sort-Object -Unique).Count -ne 1) { $problems += "vm-demo-03's two attempts are not one trace in the trace file" }
if ($problems) { throw "The demo did not end as expected: $($problems -join '; ')" }
Write-Host 'Demo complete: 3 VMs onboarded once each, a duplicate and an update recognised, a forged event ignored, a bad message in poison; one VM''s story told by its trail and its trace.'

Write-Host "`n== 5. The sweep: vm-demo-early was created before the worker started, and no event of it ever came"
Set-Content (Join-Path $DatabaseFolder 'vm-demo-early.db') -Value $null
Sync-VmOnboarding -WhatIf 6>$null | Where-Object Action | Format-Table | Out-String -Width 120 | Write-Host
$sweep = @(Sync-VmOnboarding) | Where-Object { $_.PSObject.TypeNames[0] -like '*VmReconcileSummary' }
Start-VmEventWorker -UntilEmpty | ForEach-Object { if ($_.PSObject.TypeNames[0] -like '*VmEventResult') { $results.Add($_) } }
Write-Host "== Compliance (Get-VmOnboardingCompliance, then -Summary)"
Get-VmOnboardingCompliance | Format-Table | Out-String -Width 120 | Write-Host
$compliance = @(Get-VmOnboardingCompliance -Summary)
$compliance | Format-Table | Out-String -Width 120 | Write-Host
if (@($results | Where-Object { $_.VmName -eq 'vm-demo-early' -and "$($_.Outcome)" -eq 'Succeeded' }).Count -ne 1) { throw 'The sweep did not onboard vm-demo-early, once.' }
if (-not $sweep.Complete -or ($compliance | Where-Object { "$($_.Status)" -eq 'Onboarded' }).Count -ne 4) { throw "The compliance summary does not show the 4 VMs onboarded: $($compliance | Out-String)" }
Write-Host "Sweep complete: vm-demo-early, which no event announced, found and onboarded; $($sweep.Queued) VM(s) queued by the sweep, compliance above."
Write-Host "`n== 6. Rules and checks: runbooks per OS, a skipped VM, a TCP check that comes good, a deletion offboarded"
# A port for the Linux rule's TCP check: closed now, listening later (the VM's SSH coming up).
$probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
$env:VMEVENTOPS_RULES = ConvertTo-Json -Depth 6 -Compress -InputObject @(
    @{ Name = 'sandbox'; Match = @{ Tags = @('role=sandbox') }; Skip = 'sandboxes are not onboarded' }
    @{ Name = 'linux'; Match = @{ OsType = 'Linux' }; Checks = @(@{ Kind = 'TcpPort'; Host = '127.0.0.1'; Port = $port; TimeoutSeconds = 2 })
       Action = @{ Runbook = 'Onboard-Linux'; Parameters = @{ Owner = '{Tag:owner}' } }; Offboarding = @{ Runbook = 'Offboard-Vm' } }
    @{ Name = 'windows'; Match = @{ OsType = 'Windows' }; Action = @{ Runbook = 'Onboard-Windows' }; Offboarding = @{ Runbook = 'Offboard-Vm' } }
)
Get-VmOnboardingRule | Format-Table | Out-String -Width 120 | Write-Host
$newVm = { param($name, $os, $address, $tags) Invoke-RestMethod -Method Post -Uri "$($env:VMEVENTOPS_ARMENDPOINT)_emulator/vms" -ContentType 'application/json' -Body (@{ resourceGroup = 'rg-demo'; name = $name; addresses = @($address); osType = $os; tags = $tags } | ConvertTo-Json) }
$linux = & $newVm 'vm-linux-01' 'Linux' '10.0.5.4' @{ owner = 'team-web' }
$windows = & $newVm 'vm-win-01' 'Windows' '10.0.5.5' @{ owner = 'team-erp' }
$sandbox = & $newVm 'vm-sandbox-01' 'Linux' '10.0.5.6' @{ role = 'sandbox' }
$rules = [System.Collections.Generic.List[object]]::new()
foreach ($vm in $linux, $windows, $sandbox) { $null = Send-VmEventMessage -VmResourceId $vm.Id -Reason 'demo: a new VM under rules' }
Start-VmEventWorker -MaxRunTime 00:00:06 | ForEach-Object { if ($_.PSObject.TypeNames[0] -like '*VmEventResult') { $rules.Add($_) } }
Write-Host "-- vm-linux-01's SSH port comes up"
$listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, $port); $listener.Start()
try {
    Start-Sleep -Seconds 3   # the retry's backoff
    Start-VmEventRetry | ForEach-Object { if ($_.PSObject.TypeNames[0] -like '*VmEventResult') { $rules.Add($_) } }
    Test-VmOnboardingRule -VmResourceId $linux.Id -RunChecks | Format-List VmName, Rule, Why, Action, ChecksPassed | Out-String -Width 120 | Write-Host
}
finally { $listener.Stop() }
Write-Host "-- vm-linux-01 is deleted: Event Grid delivers ResourceDeleteSuccess, and a duplicate"
Invoke-RestMethod -Method Post -Uri "$($env:VMEVENTOPS_ARMENDPOINT)_emulator/vms/delete" -ContentType 'application/json' -Body (@{ id = $linux.Id } | ConvertTo-Json) | Out-Null
$deleteEvent = @{ id = [guid]::NewGuid(); eventType = 'Microsoft.Resources.ResourceDeleteSuccess'; subject = $linux.Id; eventTime = [DateTime]::UtcNow.ToString('o'); dataVersion = '2'; metadataVersion = '1'
    data = @{ operationName = 'Microsoft.Compute/virtualMachines/delete'; status = 'Succeeded'; resourceUri = $linux.Id; httpRequest = @{ method = 'DELETE' } } } | ConvertTo-Json -Depth 4 -Compress
1..2 | ForEach-Object { $null = Send-VmEventMessage -Body $deleteEvent }
Start-VmEventWorker -MaxRunTime 00:00:04 | ForEach-Object { if ($_.PSObject.TypeNames[0] -like '*VmEventResult') { $rules.Add($_) } }
$rules | Select-Object VmName, Outcome, Attempt, Rule, @{ n = 'Checks'; e = { ($_.Checks | ForEach-Object { "$($_.Name) $($_.Status)" }) -join ', ' } }, Reason |
    Format-Table -AutoSize -Wrap | Out-String -Width 140 | Write-Host
Remove-Item Env:VMEVENTOPS_RULES

$problems = @()
$byRule = $rules | Group-Object VmName -AsHashTable -AsString
if (-not ($byRule['vm-win-01'] | Where-Object { "$($_.Outcome)" -eq 'Succeeded' -and $_.Rule -eq 'windows' })) { $problems += 'vm-win-01 did not take the windows rule' }
if (-not ($byRule['vm-sandbox-01'] | Where-Object { "$($_.Outcome)" -eq 'Ignored' -and $_.Reason -like 'Skipped:sandbox*' })) { $problems += 'vm-sandbox-01 was not skipped' }
if ($byRule['vm-linux-01'].Outcome -notcontains 'RetryScheduled' -or -not ($byRule['vm-linux-01'] | Where-Object { "$($_.Outcome)" -eq 'Succeeded' -and $_.Rule -eq 'linux' })) { $problems += 'vm-linux-01 was not retried to success once its port came up' }
if (@($byRule['vm-linux-01'] | Where-Object { "$($_.Outcome)" -eq 'Offboarded' }).Count -ne 1) { $problems += 'vm-linux-01 was not offboarded exactly once' }
if ($problems) { throw "The demo did not end as expected: $($problems -join '; ')" }
Write-Host 'Rules complete: a Linux and a Windows VM onboarded by their rules'' runbooks, a sandbox skipped, a TCP check retried until its port came up, and a deleted VM offboarded once.'

Write-Host "`n== 7. The dashboard (Start-VmEventDashboard) over the same queues and records"
$dashboardPipeline = [powershell]::Create()
$null = $dashboardPipeline.AddCommand('Import-Module').AddArgument($ModulePath).AddStatement().AddCommand('Start-VmEventDashboard')
$served = [System.Management.Automation.PSDataCollection[psobject]]::new()
$noInput = [System.Management.Automation.PSDataCollection[psobject]]::new()
$noInput.Complete()   # an open input collection would keep the pipeline waiting for input
$running = $dashboardPipeline.BeginInvoke($noInput, $served)
$deadline = [DateTime]::UtcNow.AddSeconds(60)
while ($served.Count -lt 1 -and -not $running.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
if ($served.Count -lt 1) { throw "The dashboard did not start: $($dashboardPipeline.Streams.Error.ReadAll() | Out-String)" }
else {
    $url = $served[0].Url
    $headers = @{ 'X-VmEventOps-Token' = ($url -replace '^.*#token=', '') }
    $health = Invoke-RestMethod "http://127.0.0.1:$($served[0].Port)/api/health" -Headers $headers
    $records = Invoke-RestMethod "http://127.0.0.1:$($served[0].Port)/api/records" -Headers $headers
    Write-Host ("The dashboard answers: {0} queues, {1} onboarding records ({2} succeeded), {3} message(s) in poison." -f
        $health.queues.Count, $records.total, $health.states.Succeeded, ($health.queues | Where-Object queue -EQ Poison).approximateCount)
    if ($records.total -lt 4 -or $health.states.Succeeded -lt 4) { throw 'The dashboard does not show the onboarded VMs.' }
}
$dashboardPipeline.Stop()
$dashboardPipeline.Dispose()
if ($Dashboard) {
    Write-Host "`n== The dashboard stays open on the demo's data until Ctrl+C: open the URL below (it holds the access token)."
    Start-VmEventDashboard | Out-Null
}
else {
    Write-Host "Dashboard: it was served at $url (stopped with the demo; build.ps1 -Task Demo -Dashboard keeps it open)."
}
