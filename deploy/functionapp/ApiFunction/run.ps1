# HTTP API (function key required), the same API as the dashboard's (Invoke-VmEventApi; the engine's ApiRouter):
#   GET  /api/vm-events/status                      the four queues' depths and health
#   GET  /api/vm-events/health?hours=24             the queues, records by state, outcomes per hour (the dashboard's Health)
#   GET  /api/vm-events/records?state=&scope=&text=&page=1&pageSize=50
#                                                   onboarding records, filtered and paged
#   GET  /api/vm-events/trail?vmResourceId=/subscriptions/.../virtualMachines/vm-01
#                                                   what happened to that VM, in time order (Get-VmEventTrail)
#   GET  /api/vm-events/poison                      the poison queue's front: reasons and history
#   POST /api/vm-events/onboard  {"vmResourceId": "/subscriptions/.../virtualMachines/vm-01", "force": true}
#                                                   onboards one VM again (Invoke-VmEventWorkflow -VmResourceId)
#   POST /api/vm-events/requeue  {"messageIds": ["..."], "force": false}
#                                                   poison messages back to the main queue (force: onboarded now)
#   GET  /api/vm-events/compliance[?summary=true][&status=Missing,DeadLettered]
#                                                   every VM in scope and why it is or is not onboarded (Get-VmOnboardingCompliance)
# Answers JSON. Bad input is a 400 with {"error": {"code", "message"}}; the code is a stable ErrorId. A failure of ours is
# a 500 with {"error": {"code", "message", "correlationId"}}: the details are in the log under that correlation id.
using namespace System.Net
param($Request, $TriggerMetadata)

try {
    $response = Invoke-VmEventApi -Method $Request.Method -Action $Request.Params.action -Query $Request.Query -Body $Request.Body `
        -Authentication FunctionKey -ErrorAction Continue
    Push-OutputBinding -Name Response -Value ([HttpResponseContext]@{
            StatusCode  = [HttpStatusCode] $response.Status
            ContentType = 'application/json'
            Body        = $response.Body
        })
}
catch {
    # The settings could not be read (the API itself answers its own failures): the ErrorId and a correlation id only.
    $code = ($_.FullyQualifiedErrorId -split ',')[0]
    if ($code -notmatch '^Vm[A-Za-z]+$') { $code = 'VmUnexpectedError' }
    $correlationId = [guid]::NewGuid().ToString()
    Write-Warning "ApiFunction failed with $code; correlation id $correlationId."
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    Push-OutputBinding -Name Response -Value ([HttpResponseContext]@{
            StatusCode  = [HttpStatusCode]::InternalServerError
            ContentType = 'application/json'
            Body        = ConvertTo-Json -Compress -InputObject @{ error = [ordered]@{
                    code = $code; message = "The request failed ($code). The Function app's log has the details under correlation id $correlationId."; correlationId = $correlationId } }
        })
}
