<#
.SYNOPSIS
    The sweep as an Automation runbook: an alternative to the Function app's timer (ReconcileFunction).
.DESCRIPTION
    Replays the events Event Grid dead-lettered, lists every VM in the allowed scopes and queues an event for each one
    that is not onboarded (Sync-VmOnboarding), reports records whose VM was deleted, then writes the compliance summary
    (Get-VmOnboardingCompliance -Summary). The queued events are onboarded by whatever processes the main queue (the
    Function app, or Start-VmEventWorker -UntilEmpty with -ProcessQueue here).

    Set up once, as for Invoke-VmEventRetryPass:
    - the VmEventOps module in the Automation account's PowerShell 7.4 runtime environment;
    - the account's managed identity with Reader on every allowed scope (the VM lists, or Resource Graph), Storage Queue
      Data Contributor and Storage Table Data Contributor on the storage account, and Storage Blob Data Contributor on
      the dead-letter container (it marks replayed blobs);
    - the settings as Automation variables named like the Function app's settings (VMEVENTOPS_STORAGEACCOUNTNAME,
      VMEVENTOPS_ALLOWEDSCOPES, VMEVENTOPS_RECONCILESOURCE, ...); parameters win over variables;
    - a schedule: hourly is Automation's shortest recurrence, and enough for a sweep.
.PARAMETER StorageAccountName
    The storage account of the queues, the state table and the dead-letter container (else the VMEVENTOPS_STORAGEACCOUNTNAME variable).
.PARAMETER ManagedIdentityClientId
    Client id of the Automation account's user-assigned identity to use (else its system-assigned identity).
.PARAMETER Source
    Arm or ResourceGraph (else the VMEVENTOPS_RECONCILESOURCE variable, else Arm).
.PARAMETER IncludeDeadLettered
    Also queue the VMs the workflow gave up on.
.PARAMETER ProcessQueue
    Onboard what the sweep queued in this job too (Start-VmEventWorker -UntilEmpty), for an account without a Function app.
#>
param(
    [string] $StorageAccountName,
    [string] $ManagedIdentityClientId,
    [ValidateSet('', 'Arm', 'ResourceGraph')] [string] $Source = '',
    [switch] $IncludeDeadLettered,
    [switch] $ProcessQueue
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
if (-not $env:VMEVENTOPS_AUTHMODE) { $env:VMEVENTOPS_AUTHMODE = 'ManagedIdentity' }
# Fair share: the Azure sandbox unloads a job after 3 hours; no list page is asked for, and no Retry-After slept, past that.
if (-not $env:VMEVENTOPS_INVOCATIONTIMEOUT) { $env:VMEVENTOPS_INVOCATIONTIMEOUT = '02:55:00' }

$sync = @{ Confirm = $false; IncludeDeadLettered = $IncludeDeadLettered }
if ($Source) { $sync.Source = $Source }
$output = @(Sync-VmOnboarding @sync)
foreach ($item in $output | Where-Object { $_.PSObject.TypeNames -contains 'VmEventOps.Engine.Reconcile.VmReconcileItem' }) {
    Write-Output ('{0} {1} {2}' -f $item.Action, $item.Name, $item.Reason)
}
$summary = $output | Where-Object { $_.PSObject.TypeNames -contains 'VmEventOps.Engine.Reconcile.VmReconcileSummary' } | Select-Object -Last 1
Write-Output ('Sweep: {0} VM(s) listed in {1} page(s), {2} queued, {3} onboarded already, {4} record(s) without a VM, {5} dead letter(s) replayed, {6} unreadable.' -f
    $summary.Vms, $summary.ArmPages, $summary.Queued, $summary.Onboarded, $summary.Gone, $summary.DeadLettersReplayed, $summary.DeadLettersUnreadable)
if (-not $summary.Complete) { Write-Warning "Not every scope was listed to its end: $($summary.Reason)" }

if ($ProcessQueue) {
    $worker = Start-VmEventWorker -UntilEmpty | Where-Object { $_.PSObject.TypeNames -contains 'VmEventOps.Engine.Workflow.WorkerSummary' } | Select-Object -Last 1
    Write-Output "Worker: $worker."
}

foreach ($row in Get-VmOnboardingCompliance -Summary -WarningAction SilentlyContinue) {
    Write-Output ('Compliance {0,-14} {1,6}  {2}' -f $row.Status, $row.Count, $row.Scope)
}
