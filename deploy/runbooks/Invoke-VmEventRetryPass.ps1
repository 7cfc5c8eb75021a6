<#
.SYNOPSIS
    The retry pass as an Automation runbook: an alternative to the Function app's timer (RetryFunction).
.DESCRIPTION
    Processes the retry queue's due messages with the whole workflow (Start-VmEventRetry), then reports every queue's
    depth and health (Get-VmEventQueueStatus). For an Automation account that onboards without a Function app, or as
    the retry pass when the Function app is stopped.

    Set up once:
    - the VmEventOps module in the Automation account's PowerShell 7.4 runtime environment (the .nupkg that
      `build.ps1 -Task Package` writes to out/package/repository);
    - the account's managed identity (system-assigned, or a user-assigned one: -ManagedIdentityClientId) with Storage
      Queue Data Contributor and Storage Table Data Contributor on the storage account, Reader on the watched scope, and
      Automation Job Operator + Automation Runbook Operator on the account itself (it starts the onboarding jobs);
    - the settings as Automation variables named like the Function app's settings (VMEVENTOPS_STORAGEACCOUNTNAME,
      VMEVENTOPS_ALLOWEDSCOPES, VMEVENTOPS_AUTOMATIONACCOUNTID, VMEVENTOPS_RUNBOOKNAME, ...); this runbook reads each
      one that exists into the environment, where the module finds it. Parameters win over variables.
    - schedules: Automation schedules recur at most hourly, so link four hourly schedules 15 minutes apart for a pass
      every 15 minutes.
.PARAMETER StorageAccountName
    The storage account of the queues (else the VMEVENTOPS_STORAGEACCOUNTNAME variable).
.PARAMETER ManagedIdentityClientId
    Client id of the Automation account's user-assigned identity to use (else its system-assigned identity).
.PARAMETER TimeBudgetMinutes
    Stop taking new messages after this many minutes.
.PARAMETER MaxMessages
    Process at most this many messages (0: no limit).
#>
param(
    [string] $StorageAccountName,
    [string] $ManagedIdentityClientId,
    [ValidateRange(1, 170)] [int] $TimeBudgetMinutes = 25,
    [ValidateRange(0, [int]::MaxValue)] [int] $MaxMessages = 0
)
$ErrorActionPreference = 'Stop'
Import-Module VmEventOps

# Automation variables named VMEVENTOPS_* become environment variables, the module's configuration layer for a host.
if (Get-Command Get-AutomationVariable -ErrorAction SilentlyContinue) {
    foreach ($setting in Get-VmEventConfiguration) {
        $name = $setting.EnvironmentVariable
        if ([Environment]::GetEnvironmentVariable($name)) { continue }
        try { $value = Get-AutomationVariable -Name $name } catch { continue }   # no such variable
        if ($null -ne $value -and "$value" -ne '') { [Environment]::SetEnvironmentVariable($name, "$value") }
    }
}
if ($StorageAccountName) { $env:VMEVENTOPS_STORAGEACCOUNTNAME = $StorageAccountName }
if ($ManagedIdentityClientId) { $env:VMEVENTOPS_MANAGEDIDENTITYCLIENTID = $ManagedIdentityClientId }
# The Automation sandbox announces the account's identity the App Service way (IDENTITY_ENDPOINT, IDENTITY_HEADER).
if (-not $env:VMEVENTOPS_AUTHMODE) { $env:VMEVENTOPS_AUTHMODE = 'ManagedIdentity' }
# Fair share: the Azure sandbox unloads a job after 3 hours. No ARM Retry-After is slept past that (5 minutes are left for
# the sandbox's start and the module's import); a longer wait defers its message to the retry queue. On a Hybrid Runbook
# Worker (no fair share), set the VMEVENTOPS_INVOCATIONTIMEOUT variable as you need.
if (-not $env:VMEVENTOPS_INVOCATIONTIMEOUT) { $env:VMEVENTOPS_INVOCATIONTIMEOUT = '02:55:00' }

$retry = @{ TimeBudget = [TimeSpan]::FromMinutes($TimeBudgetMinutes) }
if ($MaxMessages -gt 0) { $retry.MaxMessages = $MaxMessages }
$output = @(Start-VmEventRetry @retry)
$summary = $output | Where-Object { $_.PSObject.TypeNames -contains 'VmEventOps.Engine.Workflow.WorkerSummary' } | Select-Object -Last 1
foreach ($result in $output | Where-Object { $_.PSObject.TypeNames -contains 'VmEventOps.Engine.Workflow.VmEventResult' }) {
    Write-Output ('{0} {1} {2}' -f $result.Outcome, $result.Reason, $result.VmResourceId)
}
Write-Output "Retry pass: $summary."

foreach ($queue in Get-VmEventQueueStatus) {
    $line = '{0,-9} {1,-28} {2,6} message(s)  {3}' -f $queue.Queue, $queue.Name, $queue.ApproximateCount, $queue.Reason
    if ($queue.Healthy) { Write-Output $line } else { Write-Warning $line }
}
