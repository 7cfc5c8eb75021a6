<#
.SYNOPSIS
    Runs a function of a PowerShell Function app the way the Azure Functions host and its PowerShell worker do, against
    Azurite: for the Pester tests of deploy/functionapp (the host and worker themselves cannot run here).
.DESCRIPTION
    What the worker does, and this does too (azure-functions-powershell-worker, src/PowerShell/PowerShellManager.cs):
    - puts the app's Modules folder on PSModulePath, and adds the type accelerators [HttpResponseContext] and
      [HttpRequestContext] (stand-ins with the worker's property names and types);
    - runs profile.ps1 once per runspace (Import-Module of the .ps1, in the global scope);
    - binds each input binding of function.json to the run.ps1 parameter of the same name, $TriggerMetadata when the
      script declares it, and $TraceContext (Traceparent, Tracestate, Attributes: the host's invocation context) likewise; a string that is a JSON object or array arrives as the hashtable/array that
      JsonObject.ConvertFromJson(..., returnHashtable: true) makes of it, as the worker converts it;
    - gives Push-OutputBinding, which accepts only output bindings declared in function.json;
    - counts the invocation failed when run.ps1 throws (a non-terminating error is only logged);
    - ends an invocation that runs past host.json's functionTimeout (or the AzureFunctionsJobHost__functionTimeout app
      setting that overrides it): the invocation fails and its message is not completed (it shows again after the
      visibility timeout), so the report ends there.
    What the host does, and this does too:
    - queueTrigger: reads the queue named in function.json (%SETTING% expressions resolved from the environment) over
      the connection named there (an environment variable holding a connection string), decodes the message as
      host.json's extensions.queues.messageEncoding says, deletes it when the function succeeds, and otherwise leaves
      it to reappear, moving it to <queue>-poison once its dequeue count reaches maxDequeueCount;
    - timerTrigger: one invocation with the timer object (IsPastDue, ScheduleStatus);
    - httpTrigger: matches the route template, enforces authLevel "function" (a key in ?code= or x-functions-key,
      compared with VMEVENTOPSTEST_FUNCTION_KEY; "anonymous" takes no key), with {name?} and catch-all {*name} route
      parameters, and turns the pushed HttpResponseContext (status, content type, body, headers) into a response.
    Writes one JSON document as the last line of output: the invocations with their outputs and logs.
#>
param(
    [Parameter(Mandatory)] [string] $AppRoot,
    [Parameter(Mandatory)] [string] $FunctionName,
    # httpTrigger: a JSON file holding an array of requests { Method, Path, Query, Headers, Body }.
    [string] $RequestsPath,
    # timerTrigger: the run is late.
    [switch] $PastDue
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Off

Add-Type -TypeDefinition @'
using System;
using System.Collections;
using System.Collections.Generic;
using System.Net;
namespace Microsoft.Azure.Functions.PowerShellWorker
{
    public class HttpRequestContext
    {
        public object Body { get; set; }
        public Dictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public string Method { get; set; }
        public string Url { get; set; }
        public Dictionary<string, string> Params { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public Dictionary<string, string> Query { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public object RawBody { get; set; }
    }
    // The host's functionTimeout: when an invocation runs past it, the report so far (with that invocation failed) is
    // written as the last line and the process ends, as the host ends the invocation.
    public static class InvocationWatchdog
    {
        private static System.Threading.Timer timer;
        public static void Arm(TimeSpan timeout, string reportWhenEnded)
        {
            timer = new System.Threading.Timer(_ => { Console.Out.WriteLine(reportWhenEnded); Console.Out.Flush(); Environment.Exit(0); }, null, timeout, System.Threading.Timeout.InfiniteTimeSpan);
        }
        public static void Disarm()
        {
            if (timer != null) { timer.Dispose(); timer = null; }
        }
    }
    public class HttpResponseContext
    {
        public object Body { get; set; }
        public string ContentType { get; set; }
        public bool EnableContentNegotiation { get; set; }
        public IDictionary Headers { get; set; }
        public HttpStatusCode StatusCode { get; set; } = HttpStatusCode.OK;
    }
}
'@
$accelerators = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')
$accelerators::Add('HttpResponseContext', [Microsoft.Azure.Functions.PowerShellWorker.HttpResponseContext])
$accelerators::Add('HttpRequestContext', [Microsoft.Azure.Functions.PowerShellWorker.HttpRequestContext])

$hostJson = Get-Content -Raw (Join-Path $AppRoot 'host.json') | ConvertFrom-Json -AsHashtable
$functionTimeoutText = if ($env:AzureFunctionsJobHost__functionTimeout) { $env:AzureFunctionsJobHost__functionTimeout } else { "$($hostJson.functionTimeout)" }
$functionTimeout = if ($functionTimeoutText -and $functionTimeoutText -ne '-1') { [TimeSpan]::Parse($functionTimeoutText, [cultureinfo]::InvariantCulture) } else { $null }
$functionJson = Get-Content -Raw (Join-Path $AppRoot "$FunctionName/function.json") | ConvertFrom-Json -AsHashtable
$script = Join-Path $AppRoot "$FunctionName/run.ps1"
$trigger = $functionJson.bindings | Where-Object { $_.direction -eq 'in' -and $_.type -like '*Trigger' } | Select-Object -First 1
$outputNames = @($functionJson.bindings | Where-Object direction -EQ 'out' | ForEach-Object name)
$parameters = (Get-Command $script).Parameters.Keys

$env:PSModulePath = (Join-Path $AppRoot 'Modules') + [IO.Path]::PathSeparator + $env:PSModulePath
$global:FunctionOutputs = @{}
function global:Push-OutputBinding {
    param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory, ValueFromPipeline)] $Value, [switch] $Clobber)
    if ($Name -notin $global:FunctionOutputNames) { throw "Push-OutputBinding: '$Name' is not an output binding of this function." }
    $global:FunctionOutputs[$Name] = $Value
}
$global:FunctionOutputNames = $outputNames

function Resolve-Setting([string] $Text) {
    [regex]::Replace($Text, '%([^%]+)%', { param($m) [Environment]::GetEnvironmentVariable($m.Groups[1].Value) })
}

function ConvertFrom-WorkerString([string] $Text) {
    # As the worker's TypeExtensions.ToObject: a JSON object or array becomes a hashtable / array, anything else stays a string.
    $trimmed = $Text.Trim()
    if ($trimmed.Length -ge 2 -and (($trimmed[0] -eq '{' -and $trimmed[-1] -eq '}') -or ($trimmed[0] -eq '[' -and $trimmed[-1] -eq ']'))) {
        $parseError = $null
        $value = [Microsoft.PowerShell.Commands.JsonObject]::ConvertFromJson($Text, $true, [ref] $parseError)
        if (-not $parseError) { return , $value }
    }
    $Text
}

function Invoke-RunScript([hashtable] $Inputs, [hashtable] $TriggerMetadata) {
    $global:FunctionOutputs = @{}
    $bound = @{}
    foreach ($name in $Inputs.Keys) { if ($name -in $parameters) { $bound[$name] = $Inputs[$name] } }
    if ('TriggerMetadata' -in $parameters) { $bound.TriggerMetadata = $TriggerMetadata }
    $invocation = [ordered]@{ Succeeded = $true; Error = $null; Output = @(); Information = @(); Warnings = @(); Errors = @(); Outputs = @{} }
    if ('TraceContext' -in $parameters) {
        # A W3C traceparent of the host's invocation span, as the host hands the worker in each InvocationRequest.
        $traceParent = '00-{0}-{1}-01' -f [guid]::NewGuid().ToString('n'), [guid]::NewGuid().ToString('n').Substring(0, 16)
        $bound.TraceContext = [pscustomobject]@{ Traceparent = $traceParent; Tracestate = ''; Attributes = @{} }
        $invocation.TraceParent = $traceParent
    }
    # The worker's runspace keeps PowerShell's defaults: a non-terminating error is logged and the invocation goes on.
    $ErrorActionPreference = 'Continue'
    if ($functionTimeout) {
        $ended = [ordered]@{ Succeeded = $false; Error = "FunctionTimeout: the invocation ran past functionTimeout ($functionTimeoutText) and the host ended it; its message shows again after the visibility timeout."; Outputs = @{} }
        if ($TriggerMetadata.Id) { $ended.MessageId = $TriggerMetadata.Id }
        $report = [ordered]@{ Function = $result.Function; ProfileErrors = $result.ProfileErrors; Invocations = @($result.Invocations) + @($ended); Poisoned = $result.Poisoned }
        [Microsoft.Azure.Functions.PowerShellWorker.InvocationWatchdog]::Arm($functionTimeout, ($report | ConvertTo-Json -Depth 8 -Compress))
    }
    try {
        $records = & $script @bound *>&1
        foreach ($record in $records) {
            switch ($record) {
                { $_ -is [Management.Automation.ErrorRecord] } { $invocation.Errors += "$($_.FullyQualifiedErrorId): $($_.Exception.Message)"; break }
                { $_ -is [Management.Automation.InformationRecord] } { $invocation.Information += "$($_.MessageData)"; break }
                { $_ -is [Management.Automation.WarningRecord] } { $invocation.Warnings += $_.Message; break }
                { $_ -is [Management.Automation.VerboseRecord] -or $_ -is [Management.Automation.DebugRecord] } { break }
                default { $invocation.Output += "$record" }
            }
        }
    }
    catch {
        $invocation.Succeeded = $false
        $invocation.Error = "$($_.FullyQualifiedErrorId): $($_.Exception.Message)"
    }
    finally { [Microsoft.Azure.Functions.PowerShellWorker.InvocationWatchdog]::Disarm() }
    foreach ($name in $global:FunctionOutputs.Keys) { $invocation.Outputs[$name] = $global:FunctionOutputs[$name] }
    $invocation
}

# --- Azurite's queue REST API, signed with an account SAS made from the connection string's key ---
function Get-QueueConnection([string] $SettingName) {
    $text = [Environment]::GetEnvironmentVariable($SettingName)
    if (-not $text) { throw "The connection setting '$SettingName' is not set." }
    $parts = @{}
    foreach ($pair in $text.Split(';', [StringSplitOptions]::RemoveEmptyEntries)) { $i = $pair.IndexOf('='); $parts[$pair.Substring(0, $i)] = $pair.Substring($i + 1) }
    $version = '2019-02-02'; $permissions = 'rwdlacup'; $expiry = [DateTime]::UtcNow.AddHours(2).ToString('yyyy-MM-ddTHH:mm:ssZ')
    $toSign = "$($parts.AccountName)`n$permissions`nq`nsco`n`n$expiry`n`nhttps,http`n$version`n"
    $hmac = [Security.Cryptography.HMACSHA256]::new([Convert]::FromBase64String($parts.AccountKey))
    $signature = [Convert]::ToBase64String($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($toSign)))
    [pscustomobject]@{
        Endpoint = $parts.QueueEndpoint.TrimEnd('/')
        Sas      = "sv=$version&ss=q&srt=sco&sp=$permissions&se=$([uri]::EscapeDataString($expiry))&spr=https,http&sig=$([uri]::EscapeDataString($signature))"
    }
}

function Receive-QueueMessage($Connection, [string] $Queue) {
    $response = Invoke-WebRequest -Method Get -Uri "$($Connection.Endpoint)/$Queue/messages?numofmessages=1&visibilitytimeout=600&$($Connection.Sas)"
    [xml] $xml = $response.Content
    $xml.QueueMessagesList.QueueMessage | Select-Object -First 1
}

function Remove-QueueMessage($Connection, [string] $Queue, $Message) {
    $null = Invoke-WebRequest -Method Delete -Uri "$($Connection.Endpoint)/$Queue/messages/$($Message.MessageId)?popreceipt=$([uri]::EscapeDataString($Message.PopReceipt))&$($Connection.Sas)"
}

function Send-QueueMessage($Connection, [string] $Queue, [string] $Text) {
    $null = Invoke-WebRequest -Method Put -Uri "$($Connection.Endpoint)/$Queue`?$($Connection.Sas)" -SkipHttpErrorCheck
    $body = '<QueueMessage><MessageText>' + [Security.SecurityElement]::Escape($Text) + '</MessageText></QueueMessage>'
    $null = Invoke-WebRequest -Method Post -Uri "$($Connection.Endpoint)/$Queue/messages?messagettl=-1&$($Connection.Sas)" -Body $body -ContentType 'application/xml'
}

# --- The worker's start: profile.ps1 once, errors logged ---
$result = [ordered]@{ Function = $FunctionName; ProfileErrors = @(); Invocations = @(); Poisoned = 0 }
$profilePath = Join-Path $AppRoot 'profile.ps1'
if (Test-Path $profilePath) {
    try {
        # The worker logs every error the profile writes (its error stream is the app's log); a script module's body
        # writes its non-terminating errors to -ErrorVariable, not to the redirected streams.
        $profileRecords = Import-Module $profilePath -Global -ErrorAction Continue -ErrorVariable profileErrors *>&1
        $result.ProfileErrors = @(@($profileRecords | Where-Object { $_ -is [Management.Automation.ErrorRecord] }) + @($profileErrors) | ForEach-Object { "$_" } | Select-Object -Unique)
        Remove-Module -FullyQualifiedName $profilePath -Force -ErrorAction SilentlyContinue
    }
    catch { $result.ProfileErrors += "$_" }
}

switch ($trigger.type) {
    'queueTrigger' {
        $queue = Resolve-Setting $trigger.queueName
        $connection = Get-QueueConnection $trigger.connection
        $settings = $hostJson.extensions.queues
        $maxDequeue = if ($settings.maxDequeueCount) { [int] $settings.maxDequeueCount } else { 5 }
        $base64 = "$($settings.messageEncoding)" -ne 'none'
        while ($message = Receive-QueueMessage $connection $queue) {
            $text = $message.MessageText
            $invocation = $null
            if ($base64) {
                try { $text = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($text)) }
                catch { $invocation = [ordered]@{ Succeeded = $false; Error = "The message is not valid base64 (host.json messageEncoding is base64)."; Outputs = @{} } }
            }
            if (-not $invocation) {
                $metadata = @{
                    Id = $message.MessageId; QueueTrigger = $text; DequeueCount = [long] $message.DequeueCount; PopReceipt = $message.PopReceipt
                    InsertionTime = $message.InsertionTime; ExpirationTime = $message.ExpirationTime; NextVisibleTime = $message.TimeNextVisible
                    sys = @{ MethodName = $FunctionName; UtcNow = [DateTime]::UtcNow.ToString('o'); RandGuid = [guid]::NewGuid().ToString() }
                }
                $invocation = Invoke-RunScript @{ $trigger.name = (ConvertFrom-WorkerString $text) } $metadata
            }
            $invocation.MessageId = $message.MessageId
            $result.Invocations += $invocation
            if ($invocation.Succeeded) { Remove-QueueMessage $connection $queue $message }
            elseif ([int] $message.DequeueCount -ge $maxDequeue) {
                Send-QueueMessage $connection "$queue-poison" $message.MessageText
                Remove-QueueMessage $connection $queue $message
                $result.Poisoned++
            }
        }
    }
    'timerTrigger' {
        $now = [DateTime]::UtcNow
        $timer = ConvertFrom-WorkerString (@{
                Schedule = @{ AdjustForDST = $true }
                ScheduleStatus = @{ Last = $now.AddMinutes(-5).ToString('o'); Next = $now.AddMinutes(5).ToString('o'); LastUpdated = $now.AddMinutes(-5).ToString('o') }
                IsPastDue = [bool] $PastDue
            } | ConvertTo-Json -Compress)
        $result.Invocations += Invoke-RunScript @{ $trigger.name = $timer } @{ sys = @{ MethodName = $FunctionName; UtcNow = $now.ToString('o') } }
    }
    'httpTrigger' {
        $routeTemplate = if ($trigger.route) { $trigger.route } else { $FunctionName }
        # vm-events/{action?} -> ^vm-events(?:/(?<action>[^/]+))?$; a catch-all ui/{*path} -> ^ui(?:/(?<path>.*))?$ (the rest of the path, slashes included)
        $pattern = '^' + [regex]::Replace($routeTemplate, '/?\{(\*)?(\w+)(\?)?\}', {
                param($m)
                if ($m.Groups[1].Success) { "(?:/(?<$($m.Groups[2].Value)>.*))?" }
                elseif ($m.Groups[3].Success) { "(?:/(?<$($m.Groups[2].Value)>[^/]+))?" } else { "/(?<$($m.Groups[2].Value)>[^/]+)" } }) + '$'
        foreach ($request in @(Get-Content -Raw $RequestsPath | ConvertFrom-Json)) {
            $path = $request.Path.TrimStart('/') -replace '^api/', ''
            $query = @{}
            if ($request.Query) { foreach ($p in $request.Query.PSObject.Properties) { $query[$p.Name] = "$($p.Value)" } }
            $headers = @{}
            if ($request.Headers) { foreach ($p in $request.Headers.PSObject.Properties) { $headers[$p.Name] = "$($p.Value)" } }
            $response = $null
            $match = [regex]::Match($path, $pattern, 'IgnoreCase')
            $key = if ($query.ContainsKey('code')) { $query.code } else { $headers['x-functions-key'] }
            if (-not $match.Success -or "$($request.Method)".ToLowerInvariant() -notin $trigger.methods) {
                $response = @{ StatusCode = 404; Body = '' }
            }
            elseif ($trigger.authLevel -ne 'anonymous' -and $key -ne $env:VMEVENTOPSTEST_FUNCTION_KEY) {
                $response = @{ StatusCode = 401; Body = '' }
            }
            else {
                $http = [HttpRequestContext]::new()
                $http.Method = "$($request.Method)".ToUpperInvariant()
                $http.Url = "http://localhost:7071/api/$path"
                foreach ($name in $query.Keys) { $http.Query[$name] = $query[$name] }
                foreach ($name in $headers.Keys) { $http.Headers[$name] = $headers[$name] }
                foreach ($group in $match.Groups) { if ($group.Name -notmatch '^\d+$' -and $group.Success) { $http.Params[$group.Name] = $group.Value } }
                if ($null -ne $request.Body) {
                    $http.RawBody = "$($request.Body)"
                    $contentType = $headers['Content-Type']
                    $http.Body = if (-not $contentType -or $contentType -like 'application/json*') { ConvertFrom-WorkerString $http.RawBody } else { $http.RawBody }
                }
                $invocation = Invoke-RunScript @{ $trigger.name = $http } @{ Query = $http.Query; Headers = $http.Headers; sys = @{ MethodName = $FunctionName } }
                $pushed = $invocation.Outputs.Values | Where-Object { $_ -is [HttpResponseContext] } | Select-Object -First 1
                $response = if (-not $invocation.Succeeded) { @{ StatusCode = 500; Body = '' } }
                elseif ($pushed) { @{ StatusCode = [int] $pushed.StatusCode; ContentType = $pushed.ContentType; Body = "$($pushed.Body)"; Headers = $pushed.Headers } }
                else { @{ StatusCode = 204; Body = '' } }
                $invocation.Outputs = @{}
                $invocation.Response = $response
                $result.Invocations += $invocation
                continue
            }
            $result.Invocations += [ordered]@{ Succeeded = $true; Response = $response; Outputs = @{} }
        }
    }
    default { throw "Trigger type '$($trigger.type)' is not emulated." }
}

$result | ConvertTo-Json -Depth 8 -Compress
