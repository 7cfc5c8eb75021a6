<#
.SYNOPSIS
    The onboarding runbook that VmEventOps starts for each new VM (a sample to make your own).
.DESCRIPTION
    VmEventOps starts one job of this runbook per VM (the job's name is derived from the VM's vmId, so a repeated event
    finds the job instead of starting another) with these parameters: the VM's name, its resource ID, the private IP
    address of its primary NIC, and the Event Grid correlationId of the deployment that created it (to join this job's
    logs with the Activity Log and VmEventOps' own records), and, when VmEventOps exports traces, the trace id of the
    event's processing. A runbook must declare every parameter a job passes. Set RunbookName (VMEVENTOPS_RUNBOOKNAME) to this runbook's name in the Automation account.

    This sample checks what it was given, runs the onboarding steps in order, and writes one JSON line as its last
    output: the onboarding record that `Invoke-VmRunbook -Wait` and `Get-VmRunbookJob` show. Your configuration goes
    into the steps marked below. A step that throws fails the job, and the job's error stream says which step.

    Runtime: PowerShell 7.4 (Automation runtime environment). In the Azure sandbox it runs as the Automation account's
    managed identity; on a Hybrid Runbook Worker group (HybridWorkerGroup / VMEVENTOPS_HYBRIDWORKERGROUP) it runs inside
    your network and can reach the VM's private address.
.PARAMETER VmName
    The VM's name.
.PARAMETER VmResourceId
    The VM's resource ID: /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}.
.PARAMETER PrivateIpAddress
    The private IP address of the VM's primary NIC (empty when the VM has none yet).
.PARAMETER CorrelationId
    The correlationId of the event (the ARM operation that created the VM); empty for a run started by hand.
.PARAMETER TraceId
    The W3C trace id of the event's processing in VmEventOps (every attempt of one event shares it), when traces are
    exported; search the exported spans for it.
.PARAMETER VmId
    The VM's vmId (a GUID ARM gives it at creation), passed when a rule's Action names this runbook; the RunbookName
    setting's runbook gets the parameters above only.
.PARAMETER EventTime
    When ARM wrote the VM (ISO 8601, UTC), passed with VmId when the event carried a time.
#>
param(
    [Parameter(Mandatory)] [ValidateNotNullOrEmpty()] [string] $VmName,
    [Parameter(Mandatory)] [ValidateNotNullOrEmpty()] [string] $VmResourceId,
    [string] $PrivateIpAddress,
    [string] $CorrelationId,
    [string] $TraceId,
    [string] $VmId,
    [string] $EventTime
)
$ErrorActionPreference = 'Stop'

# --- What the job was given: never trust a parameter, the job can be started by hand ---
$idPattern = '^/subscriptions/(?<subscription>[0-9a-fA-F-]{36})/resourceGroups/(?<resourceGroup>[-\w._()]+)/providers/Microsoft\.Compute/virtualMachines/(?<name>[-\w.]+)$'
$id = [regex]::Match($VmResourceId, $idPattern, 'IgnoreCase')
if (-not $id.Success) { throw "VmResourceId '$VmResourceId' is not a VM resource ID." }
if ($id.Groups['name'].Value -ne $VmName) { throw "VmName '$VmName' is not the VM of '$VmResourceId'." }
$address = $null
if ($PrivateIpAddress -and -not [System.Net.IPAddress]::TryParse($PrivateIpAddress, [ref] $address)) {
    throw "PrivateIpAddress '$PrivateIpAddress' is not an IP address."
}

$vm = [pscustomobject]@{
    Name             = $VmName
    ResourceId       = $VmResourceId
    SubscriptionId   = $id.Groups['subscription'].Value
    ResourceGroup    = $id.Groups['resourceGroup'].Value
    PrivateIpAddress = $PrivateIpAddress
}

# --- The onboarding steps, in order. Put your configuration here. ---
# Each step gets the VM and returns a short text for the record. Examples of what goes here:
#   Sign in as the Automation account's identity:  Connect-AzAccount -Identity   (Az.Accounts in the runtime environment)
#   Configure the guest:        Invoke-AzVMRunCommand, a Machine Configuration assignment, or DSC
#   Register the VM:            your CMDB / IPAM / DNS (the private address is $vm.PrivateIpAddress)
#   Monitoring and backup:      a data collection rule association, a backup protection item
#   Mark it onboarded:          Update-AzTag -ResourceId $vm.ResourceId -Tag @{ onboarded = (Get-Date -Format o) } -Operation Merge
#                               (the tag write raises another VM write event; VmEventOps finds the VM onboarded already)
$steps = [ordered]@{
    'Check the parameters' = { param($vm) "VM $($vm.Name) in $($vm.ResourceGroup), subscription $($vm.SubscriptionId)" }
    'Check the address'    = {
        param($vm)
        if (-not $vm.PrivateIpAddress) { return 'no private address yet: address-based steps are skipped' }
        $kind = if (([System.Net.IPAddress] $vm.PrivateIpAddress).AddressFamily -eq 'InterNetworkV6') { 'IPv6' } else { 'IPv4' }
        "$kind address $($vm.PrivateIpAddress)"
    }
}

$record = [ordered]@{ vmName = $vm.Name; vmResourceId = $vm.ResourceId; privateIpAddress = $vm.PrivateIpAddress; correlationId = $CorrelationId; traceId = $TraceId; startedOn = (Get-Date).ToUniversalTime().ToString('o'); steps = @() }
foreach ($name in $steps.Keys) {
    Write-Output "Step '$name'..."
    try { $detail = & $steps[$name] $vm }
    catch { throw "Step '$name' failed for VM ${VmName}: $($_.Exception.Message)" }
    $record.steps += [ordered]@{ step = $name; detail = "$detail" }
}
$record.completedOn = (Get-Date).ToUniversalTime().ToString('o')
Write-Output "Onboarded $VmName."
# The record, as the job's last output line (Invoke-VmRunbook -Wait returns the whole output).
Write-Output ($record | ConvertTo-Json -Depth 4 -Compress)
