<#
.SYNOPSIS
    The offboarding runbook that VmEventOps starts when an onboarded VM is deleted (a sample to make your own).
.DESCRIPTION
    A rule's Offboarding runbook (docs/rules-and-checks.md) runs once per deleted VM (its job's name is derived from the
    VM's vmId, so duplicate delete events find the job instead of starting another). The VM is gone by then: its name,
    resource ID and private address are the last ones VmEventOps recorded when it onboarded the VM. A VM created again
    under the same name has the same resource ID but a new vmId, so every step keys on VmId: it removes what was made
    for this VM, never what its successor of the same name holds. A rule may add its
    own parameters (templates such as {Tag:owner}); a runbook must declare every parameter a job passes.

    This sample checks what it was given, runs the offboarding steps in order (your monitoring, backup, CMDB and DNS go
    into the steps marked below), and writes one JSON line as its last output: the offboarding record. A step that
    throws fails the job; VmEventOps then retries the offboarding like any attempt.

    Runtime: PowerShell 7.4 (Automation runtime environment), in the sandbox as the account's identity or on a Hybrid
    Runbook Worker group.
.PARAMETER VmName
    The deleted VM's name.
.PARAMETER VmResourceId
    The deleted VM's resource ID.
.PARAMETER PrivateIpAddress
    The private address the VM had when it was last looked up (empty when it had none).
.PARAMETER VmId
    The deleted VM's vmId (a GUID ARM gave it at creation): the key of every offboarding step.
.PARAMETER EventTime
    When ARM deleted the VM (ISO 8601, UTC), as the delete event says; empty when the event carried no time.
.PARAMETER CorrelationId
    The correlationId of the delete event (the ARM operation that deleted the VM).
.PARAMETER TraceId
    The W3C trace id of the event's processing in VmEventOps, when traces are exported.
#>
param(
    [Parameter(Mandatory)] [ValidateNotNullOrEmpty()] [string] $VmName,
    [Parameter(Mandatory)] [ValidateNotNullOrEmpty()] [string] $VmResourceId,
    [Parameter(Mandatory)] [ValidateNotNullOrEmpty()] [string] $VmId,
    [string] $EventTime,
    [string] $PrivateIpAddress,
    [string] $CorrelationId,
    [string] $TraceId
)
$ErrorActionPreference = 'Stop'

# --- What the job was given: never trust a parameter, the job can be started by hand ---
$idPattern = '^/subscriptions/(?<subscription>[0-9a-fA-F-]{36})/resourceGroups/(?<resourceGroup>[-\w._()]+)/providers/Microsoft\.Compute/virtualMachines/(?<name>[-\w.]+)$'
$id = [regex]::Match($VmResourceId, $idPattern, 'IgnoreCase')
if (-not $id.Success) { throw "VmResourceId '$VmResourceId' is not a VM resource ID." }
if ($id.Groups['name'].Value -ne $VmName) { throw "VmName '$VmName' is not the VM of '$VmResourceId'." }
$vmGuid = [guid]::Empty
if (-not [guid]::TryParse($VmId, [ref] $vmGuid)) { throw "VmId '$VmId' is not a vmId (a GUID)." }
$deletedOn = $null
if ($EventTime) {
    try { $deletedOn = [datetimeoffset]::Parse($EventTime, [cultureinfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::AssumeUniversal) }
    catch { throw "EventTime '$EventTime' is not a time." }
}
$address = $null
if ($PrivateIpAddress -and -not [System.Net.IPAddress]::TryParse($PrivateIpAddress, [ref] $address)) {
    throw "PrivateIpAddress '$PrivateIpAddress' is not an IP address."
}

$vm = [pscustomobject]@{ VmId = $vmGuid.ToString('D'); Name = $VmName; ResourceId = $VmResourceId; ResourceGroup = $id.Groups['resourceGroup'].Value; PrivateIpAddress = $PrivateIpAddress }

# --- The offboarding steps, in order. Put your configuration here. ---
# Each step gets the VM and returns a short text for the record; find what to remove by $vm.VmId (a CMDB item, a backup
# item, an alert carry it), never by the name alone: a VM of the same name may exist again. Examples of what goes here:
#   Monitoring:  remove the VM's data collection rule associations and alerts scoped to it
#   Backup:      stop protection of the backup item (keep or delete its recovery points, as your policy says)
#   CMDB / IPAM: retire the configuration item; release $vm.PrivateIpAddress
#   DNS:         remove the A record of $vm.Name
$steps = [ordered]@{
    'Check the parameters' = { param($vm) "VM $($vm.Name) ($($vm.VmId)) in $($vm.ResourceGroup)" }
    'Release the address'  = { param($vm) if ($vm.PrivateIpAddress) { "address $($vm.PrivateIpAddress) released" } else { 'no address was recorded' } }
}

$record = [ordered]@{ vmId = $vm.VmId; vmName = $vm.Name; vmResourceId = $vm.ResourceId; privateIpAddress = $vm.PrivateIpAddress; deletedOn = if ($deletedOn) { $deletedOn.ToUniversalTime().ToString('o') } else { $null }; correlationId = $CorrelationId; traceId = $TraceId; startedOn = (Get-Date).ToUniversalTime().ToString('o'); steps = @() }
foreach ($name in $steps.Keys) {
    Write-Output "Step '$name'..."
    try { $detail = & $steps[$name] $vm }
    catch { throw "Step '$name' failed for VM ${VmName}: $($_.Exception.Message)" }
    $record.steps += [ordered]@{ step = $name; detail = "$detail" }
}
$record.offboardedOn = (Get-Date).ToUniversalTime().ToString('o')
Write-Output "Offboarded $VmName ($($vm.VmId))."
Write-Output ($record | ConvertTo-Json -Depth 4 -Compress)
