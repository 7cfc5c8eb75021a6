# Competing worker processes against one queue: every VM onboarded exactly once, nothing lost, killed workers recovered.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $env:VMEVENTOPSTEST_LOAD_VMS = '1200'
    try { $script:Emulators = Start-TestEmulators } finally { Remove-Item env:VMEVENTOPSTEST_LOAD_VMS }
    $script:Azurite = Start-TestAzurite
    $script:Module = Get-TestModulePath
    $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
    $script:Environment = (Get-EmulatorEnvironment $script:Emulators) + @{
        VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
        VMEVENTOPS_QUEUENAME = "load-$suffix"; VMEVENTOPS_RETRYQUEUENAME = "load-$suffix-retry"
        VMEVENTOPS_SUCCEEDEDQUEUENAME = "load-$suffix-ok"; VMEVENTOPS_POISONQUEUENAME = "load-$suffix-poison"
        VMEVENTOPS_STATETABLENAME = "load$suffix"
        VMEVENTOPS_ALLOWEDSCOPES = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-load'
        VMEVENTOPS_MESSAGELEASE = '5'
    }
    $script:Sub = '11111111-2222-3333-4444-555555555555'
    function Get-ArmCalls { Invoke-RestMethod "$($script:Emulators.ArmEndpoint)_emulator/calls" }

    function Start-Worker([string] $Arguments) {
        # A worker in a process of its own, with the settings in its environment.
        $start = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$script:Module'; Start-VmEventWorker $Arguments | Out-Null")) { $start.ArgumentList.Add($a) }
        foreach ($name in $script:Environment.Keys) { $start.Environment[$name] = $script:Environment[$name] }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        [Diagnostics.Process]::Start($start)
    }

    function Send-Events([int[]] $Numbers) {
        $ids = $Numbers | ForEach-Object { "/subscriptions/$script:Sub/resourceGroups/rg-load/providers/Microsoft.Compute/virtualMachines/vm-load-{0:0000}" -f $_ }
        $null = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; `$ids = '$($ids -join ',')' -split ','; `$ids | ForEach-Object { [pscustomobject]@{ VmResourceId = `$_ } } | Send-VmEventMessage | Out-Null; [pscustomobject]@{ Sent = `$ids.Count }"
    }

    function Get-Queues { Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; Get-VmEventQueueStatus | Select-Object @{ n = 'Queue'; e = { `"`$(`$_.Queue)`" } }, ApproximateCount" }
}

AfterAll {
    Stop-TestAzurite $script:Azurite
    Stop-TestEmulators $script:Emulators
}

Describe 'Competing workers' {
    It 'onboard 1,000 VMs from 2,000 events (each VM twice) across 4 processes, each VM exactly once, nothing lost' {
        Send-Events (1..1000)
        Send-Events (1..1000)   # a second event for every VM: duplicates and updates
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $workers = 1..4 | ForEach-Object { Start-Worker '-Concurrency 8 -BatchSize 32 -UntilEmpty -MaxRunTime 00:04:00' }
        foreach ($worker in $workers) { $worker.WaitForExit(); $worker.ExitCode | Should -Be 0 -Because $worker.StandardError.ReadToEnd() }
        $watch.Stop()
        $calls = Get-ArmCalls
        $queues = Get-Queues
        Write-Host ("    2,000 events, 4 worker processes: {0:0.0} s ({1:0} events/s); job PUTs {2}, jobs {3}, ARM calls {4}" -f $watch.Elapsed.TotalSeconds, (2000 / $watch.Elapsed.TotalSeconds), $calls.'job-put', $calls.jobs, ($calls.vm + $calls.nic + $calls.'job-put' + $calls.'job-get'))
        $calls.jobs | Should -Be 1000
        $calls.'job-put' | Should -Be 1000
        ($queues | Where-Object Queue -in 'Main', 'Retry', 'Poison').ApproximateCount | Should -Be @(0, 0, 0)
        ($queues | Where-Object Queue -eq 'Succeeded').ApproximateCount | Should -BeGreaterOrEqual 1000
    }

    It 'recovers from workers killed mid-batch three times: the rest completes after the lease, no duplicate job' {
        $before = Get-ArmCalls
        Send-Events (1001..1200)   # 200 new VMs
        Send-Events (1..100)       # and 100 onboarded ones again
        foreach ($round in 1..3) {
            $worker = Start-Worker '-Concurrency 8 -BatchSize 32'
            Start-Sleep -Milliseconds 2500
            $worker.Kill($true)
            $worker.WaitForExit()
        }
        Start-Sleep -Seconds 6   # the killed workers' leases run out
        $last = Start-Worker '-Concurrency 8 -BatchSize 32 -UntilEmpty -MaxRunTime 00:03:00'
        $last.WaitForExit()
        $last.ExitCode | Should -Be 0 -Because $last.StandardError.ReadToEnd()
        $after = Get-ArmCalls
        $queues = Get-Queues
        Write-Host ("    3 killed workers, 300 events: job PUTs before {0}, after {1}; jobs {2}" -f $before.'job-put', $after.'job-put', $after.jobs)
        $after.jobs | Should -Be 1200
        $after.'job-put' | Should -Be 1200
        ($queues | Where-Object Queue -in 'Main', 'Retry', 'Poison').ApproximateCount | Should -Be @(0, 0, 0)
    }
}
