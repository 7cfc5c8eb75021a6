# HTTP API (function key required):
#   GET  /api/vm-events/status                      the four queues' depths and health (Get-VmEventQueueStatus)
#   GET  /api/vm-events/trail?vmResourceId=/subscriptions/.../virtualMachines/vm-01
#                                                   what happened to that VM, in time order (Get-VmEventTrail)
#   POST /api/vm-events/onboard  {"vmResourceId": "/subscriptions/.../virtualMachines/vm-01", "force": true}
#                                                   onboards one VM again (Invoke-VmEventWorkflow -VmResourceId)
#   GET  /api/vm-events/compliance[?summary=true][&status=Missing,DeadLettered]
#                                                   every VM in scope and why it is or is not onboarded (Get-VmOnboardingCompliance)
# Answers JSON. Bad input is a 400 with {"error": {"code", "message"}}; the code is a stable ErrorId. A failure of ours is
# a 500 with {"error": {"code", "message", "correlationId"}}: the details are in the log under that correlation id.
using namespace System.Net
param($Request, $TriggerMetadata)

function Send-Response([HttpStatusCode] $Status, $Body) {
    Push-OutputBinding -Name Response -Value ([HttpResponseContext]@{
        StatusCode  = $Status
        ContentType = 'application/json'
        Body        = ConvertTo-Json -InputObject $Body -Depth 5 -Compress
    })
}

function Send-Error([HttpStatusCode] $Status, [string] $Code, [string] $Message) {
    Send-Response $Status @{ error = [ordered]@{ code = $Code; message = $Message } }
}

function Get-Setting($Body, [string] $Name) {
    # From the JSON body (the worker hands a JSON body over as a hashtable) or else the query string.
    if ($Body -is [System.Collections.IDictionary]) {
        foreach ($key in $Body.Keys) { if ($key -ieq $Name) { return $Body[$key] } }
    }
    foreach ($key in $Request.Query.Keys) { if ($key -ieq $Name) { return $Request.Query[$key] } }
}

$action = "$($Request.Params.action)".ToLowerInvariant()
$method = "$($Request.Method)".ToUpperInvariant()

try {
    switch ($action) {
        { $_ -in '', 'status' } {
            if ($method -ne 'GET') { Send-Error MethodNotAllowed 'VmApiMethodNotAllowed' "Use GET for '$action'."; return }
            $status = foreach ($queue in Get-VmEventQueueStatus -ErrorAction Stop) {
                [ordered]@{
                    queue = "$($queue.Queue)"; name = $queue.Name; exists = $queue.Exists; approximateCount = $queue.ApproximateCount
                    oldestMessageAgeSeconds = if ($null -ne $queue.OldestMessageAge) { [int] $queue.OldestMessageAge.TotalSeconds }
                    healthy = $queue.Healthy; reason = $queue.Reason
                }
            }
            Send-Response OK @{ healthy = -not ($status | Where-Object { -not $_.healthy }); queues = @($status) }
            return
        }
        'trail' {
            if ($method -ne 'GET') { Send-Error MethodNotAllowed 'VmApiMethodNotAllowed' "Use GET for 'trail'."; return }
            $vmResourceId = Get-Setting $null 'vmResourceId'
            if ($vmResourceId -isnot [string] -or -not $vmResourceId.Trim()) {
                Send-Error BadRequest 'VmApiMissingVmResourceId' 'vmResourceId is required: the VM resource ID, in the query string.'
                return
            }
            # A VM ID that does not parse is a non-terminating error of the cmdlet: made terminating, it becomes the 400 below.
            $entries = foreach ($entry in Get-VmEventTrail -VmResourceId $vmResourceId -ErrorAction Stop -WarningAction SilentlyContinue) {
                [ordered]@{
                    time = $entry.Time.ToString('o'); source = $entry.Source; status = $entry.Status; attempt = $entry.Attempt; reason = $entry.Reason
                    messageId = $entry.MessageId; dequeueCount = $entry.DequeueCount; jobId = if ($entry.JobId) { "$($entry.JobId)" }; traceId = $entry.TraceId
                }
            }
            Send-Response OK ([ordered]@{ vmResourceId = $vmResourceId; entries = @($entries) })
            return
        }
        'onboard' {
            if ($method -ne 'POST') { Send-Error MethodNotAllowed 'VmApiMethodNotAllowed' "Use POST for 'onboard'."; return }
            $body = $Request.Body
            if ($null -ne $body -and "$body" -ne '' -and $body -isnot [System.Collections.IDictionary]) {
                Send-Error BadRequest 'VmApiInvalidBody' 'The body must be a JSON object: {"vmResourceId": "...", "force": false}.'
                return
            }
            $vmResourceId = Get-Setting $body 'vmResourceId'
            if ($vmResourceId -isnot [string] -or -not $vmResourceId.Trim()) {
                Send-Error BadRequest 'VmApiMissingVmResourceId' 'vmResourceId is required: the VM resource ID, in the JSON body or the query string.'
                return
            }
            $force = Get-Setting $body 'force'
            if ($null -eq $force) { $force = $false }
            elseif ($force -is [string] -and $force -in 'true', 'false') { $force = $force -eq 'true' }
            elseif ($force -isnot [bool]) { Send-Error BadRequest 'VmApiInvalidForce' 'force must be true or false.'; return }

            $result = Invoke-VmEventWorkflow -VmResourceId $vmResourceId -Force:$force -ErrorAction Stop
            Send-Response OK ([ordered]@{
                outcome = "$($result.Outcome)"; reason = $result.Reason; vmResourceId = $result.VmResourceId; vmName = $result.VmName
                privateIpAddress = $result.PrivateIpAddress; jobId = if ($result.JobId) { "$($result.JobId)" }
                attempt = $result.Attempt; nextAttemptOn = if ($result.NextAttemptOn) { $result.NextAttemptOn.ToString('o') }
            })
            return
        }
        'compliance' {
            if ($method -ne 'GET') { Send-Error MethodNotAllowed 'VmApiMethodNotAllowed' "Use GET for 'compliance'."; return }
            $compliance = @{ ErrorAction = 'Stop'; WarningVariable = 'incomplete'; WarningAction = 'SilentlyContinue' }
            $statusText = Get-Setting $null 'status'
            if ($statusText) {
                $names = @("$statusText" -split ',' | ForEach-Object Trim | Where-Object { $_ })
                # The statuses of Get-VmOnboardingCompliance (engine types cannot be named from a script: they live in the module's own load context).
                $known = 'Onboarded', 'InProgress', 'RetryScheduled', 'DeadLettered', 'Skipped', 'Missing'
                $unknown = @($names | Where-Object { $_ -notin $known })
                if ($unknown) { Send-Error BadRequest 'VmApiInvalidStatus' "status must be one or more of $($known -join ', '), comma-separated."; return }
                $compliance.Status = $names
            }
            $summaryText = Get-Setting $null 'summary'
            if ($summaryText -and "$summaryText" -notin 'true', 'false') { Send-Error BadRequest 'VmApiInvalidSummary' 'summary must be true or false.'; return }
            if ("$summaryText" -eq 'true') {
                $rows = foreach ($row in Get-VmOnboardingCompliance -Summary @compliance) { [ordered]@{ scope = $row.Scope; status = "$($row.Status)"; count = $row.Count } }
                Send-Response OK ([ordered]@{ complete = -not $incomplete; problems = @($incomplete | ForEach-Object { "$_" }); summary = @($rows) })
                return
            }
            $vms = foreach ($record in Get-VmOnboardingCompliance @compliance) {
                [ordered]@{
                    vmResourceId = $record.VmResourceId; vmName = $record.VmName; status = "$($record.Status)"; reason = $record.Reason
                    ageSeconds = if ($null -ne $record.Age) { [long] $record.Age.TotalSeconds }; traceId = $record.TraceId; scope = $record.Scope
                    vmId = if ($record.VmId) { "$($record.VmId)" }; attempts = $record.Attempts
                }
            }
            Send-Response OK ([ordered]@{ complete = -not $incomplete; problems = @($incomplete | ForEach-Object { "$_" }); vms = @($vms) })
            return
        }
        default {
            Send-Error NotFound 'VmApiUnknownAction' "Unknown action '$action': use GET vm-events/status, GET vm-events/trail, GET vm-events/compliance or POST vm-events/onboard."
        }
    }
}
catch {
    # The module's errors carry a stable ErrorId and a message without secrets. A VM ID that does not parse is the
    # caller's (400, with what is wrong with it); anything else (settings, storage, ARM) is ours: 500 with the ErrorId and
    # a correlation id only. The details (endpoints, hosts, what failed inside) are for the operator, in the log under the
    # same correlation id, never for every holder of a function key.
    $record = $_
    $code = ($record.FullyQualifiedErrorId -split ',')[0]
    if ($code -notmatch '^Vm[A-Za-z]+$') { $code = 'VmUnexpectedError' }
    if ($code -eq 'VmInvalidResourceId') {
        Send-Error BadRequest $code $record.Exception.Message
    }
    else {
        $correlationId = [guid]::NewGuid().ToString()
        Write-Warning "ApiFunction '$action' failed with $code; correlation id $correlationId."
        Write-Error -ErrorRecord $record -ErrorAction Continue
        Send-Response InternalServerError @{ error = [ordered]@{
                code          = $code
                message       = "The request failed ($code). The Function app's log has the details under correlation id $correlationId."
                correlationId = $correlationId
            } }
    }
}
