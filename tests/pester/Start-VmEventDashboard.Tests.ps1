# Start-VmEventDashboard as a user runs it: the module imported in a fresh pwsh, the dashboard started in a pipeline of its
# own and stopped the way Ctrl+C stops it (PowerShell.Stop() calls the cmdlet's StopProcessing, as Ctrl+C does).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Azurite = Start-TestAzurite
    $script:Module = Get-TestModulePath
    $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
    $script:Environment = @{
        VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
        VMEVENTOPS_QUEUENAME = "dash-$suffix"
        VMEVENTOPS_SUCCEEDEDQUEUENAME = "dash-$suffix-ok"
        VMEVENTOPS_RETRYQUEUENAME = "dash-$suffix-retry"
        VMEVENTOPS_POISONQUEUENAME = "dash-$suffix-poison"
        VMEVENTOPS_STATETABLENAME = "dash$suffix"
    }
}

AfterAll {
    Stop-TestAzurite $script:Azurite
}

Describe 'Start-VmEventDashboard' {
    It 'serves the UI and the API on 127.0.0.1 with the token of the URL it writes, refuses a call without it, and stops as on Ctrl+C' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script @"
`$ps = [powershell]::Create()
`$null = `$ps.AddCommand('Import-Module').AddArgument('$script:Module').AddStatement().AddCommand('Start-VmEventDashboard')
`$output = [System.Management.Automation.PSDataCollection[psobject]]::new()
`$noInput = [System.Management.Automation.PSDataCollection[psobject]]::new()
`$noInput.Complete()   # an open input collection would keep the pipeline waiting for input
`$handle = `$ps.BeginInvoke(`$noInput, `$output)
`$deadline = [DateTime]::UtcNow.AddSeconds(60)
while (`$output.Count -lt 1 -and -not `$handle.IsCompleted -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 100 }
if (`$output.Count -lt 1) { throw "The dashboard did not start: `$(`$ps.Streams.Error.ReadAll() | Out-String)" }
`$info = `$output[0]
`$token = `$info.Url -replace '^.*#token=', ''
`$base = "http://127.0.0.1:`$(`$info.Port)"
`$page = Invoke-WebRequest "`$base/"
`$without = Invoke-WebRequest -Method Post "`$base/api/onboard" -Body '{}' -ContentType 'application/json' -SkipHttpErrorCheck
`$status = Invoke-RestMethod "`$base/api/status" -Headers @{ 'X-VmEventOps-Token' = `$token }
# ReadAll: enumerating a stream that is still open would wait for it to close.
`$information = @(`$ps.Streams.Information.ReadAll() | ForEach-Object { "`$(`$_.MessageData)" })
`$watch = [Diagnostics.Stopwatch]::StartNew()
`$ps.Stop()
`$stopMs = `$watch.ElapsedMilliseconds
`$closed = try { `$null = Invoke-WebRequest "`$base/" -TimeoutSec 5; `$false } catch { `$true }
[pscustomobject]@{
    Url = `$info.Url; Type = `$info.PSObject.TypeNames[0]; Page = `$page.StatusCode; Csp = "`$(`$page.Headers['Content-Security-Policy'])"
    Without = [int] `$without.StatusCode; WithoutBody = "`$(`$without.Content)"
    Queues = @(`$status.queues.queue); Information = `$information; StopMs = `$stopMs; Closed = `$closed; State = "`$(`$ps.InvocationStateInfo.State)"
}
"@
        $result.Url | Should -Match '^http://127\.0\.0\.1:\d+/#token=[A-Za-z0-9_-]{40,}$'
        $result.Type | Should -Be 'VmEventOps.Engine.Dashboard.DashboardInfo'
        $result.Information -join "`n" | Should -Match ([regex]::Escape($result.Url))
        $result.Page | Should -Be 200
        $result.Csp | Should -Match "script-src 'self'"
        $result.Without | Should -Be 403
        $result.WithoutBody | Should -Match 'VmApiTokenRequired'
        $result.Queues | Should -Be @('Main', 'Retry', 'Succeeded', 'Poison')
        $result.State | Should -Be 'Stopped'
        $result.StopMs | Should -BeLessThan 10000
        $result.Closed | Should -BeTrue
    }

    It 'says which port is taken when it cannot listen' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script @"
Import-Module '$script:Module'
`$listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
`$listener.Start()
`$port = `$listener.LocalEndpoint.Port
try { Start-VmEventDashboard -Port `$port -ErrorAction Stop; 'started' } catch { `$_.FullyQualifiedErrorId } finally { `$listener.Stop() }
"@
        $result | Should -Match '^VmDashboardPortUnavailable'
    }
}
