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
        # This emulator enforces no job quota: these tests are about competition and failure, not pacing (the burst is).
        VMEVENTOPS_AUTOMATIONJOBSPERWINDOW = '10000'
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
        $poisoned = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; [pscustomobject]@{ Reasons = @(Get-VmEventMessage -Queue Poison | ForEach-Object Reason) }"
        if ($poisoned.Reasons) { Write-Host "    poisoned: $($poisoned.Reasons -join ' | ')" }
        $after.jobs | Should -Be 1200
        $after.'job-put' | Should -Be 1200
        ($queues | Where-Object Queue -in 'Main', 'Retry', 'Poison').ApproximateCount | Should -Be @(0, 0, 0)
    }
}

Describe 'A worker while storage restarts' {
    It 'keeps trying with back-off while Azurite is down, then completes: every VM onboarded once' {
        $location = Join-Path $TestDrive 'azurite'
        $null = New-Item -ItemType Directory $location
        $azurite = Start-TestAzurite -Location $location
        try {
            $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
            $script:Environment = (Get-EmulatorEnvironment $script:Emulators) + @{
                VMEVENTOPS_STORAGECONNECTIONSTRING = $azurite.ConnectionString
                VMEVENTOPS_QUEUENAME = "restart-$suffix"; VMEVENTOPS_RETRYQUEUENAME = "restart-$suffix-retry"
                VMEVENTOPS_SUCCEEDEDQUEUENAME = "restart-$suffix-ok"; VMEVENTOPS_POISONQUEUENAME = "restart-$suffix-poison"
                VMEVENTOPS_STATETABLENAME = "restart$suffix"
                VMEVENTOPS_ALLOWEDSCOPES = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-load'
                VMEVENTOPS_MESSAGELEASE = '5'; VMEVENTOPS_RETRYBASEDELAY = '1'; VMEVENTOPS_RETRYMAXDELAY = '2'
                VMEVENTOPS_AUTOMATIONJOBSPERWINDOW = '10000'
            }
            # VMs 1-150 have jobs in the ARM emulator already (the first test): this storage account has no state for them,
            # so each is processed again and its job found and adopted, not started twice.
            $before = Get-ArmCalls
            Send-Events (1..150)
            # Failures during the outage go to the retry queue (or stay in main, leased): the worker takes both until both are empty.
            $worker = Start-Worker '-Concurrency 4 -BatchSize 16 -IncludeRetry -UntilEmpty -MaxRunTime 00:03:00'
            Start-Sleep -Milliseconds 1500
            Stop-TestAzurite $azurite
            Start-Sleep -Seconds 4
            $azurite = Start-TestAzurite -Location $location -BlobPort $azurite.Ports.Blob -QueuePort $azurite.Ports.Queue -TablePort $azurite.Ports.Table
            $worker.WaitForExit()
            $worker.ExitCode | Should -Be 0 -Because $worker.StandardError.ReadToEnd()
            $after = Get-ArmCalls
            $queues = Get-Queues
            $poisoned = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; [pscustomobject]@{ Reasons = @(Get-VmEventMessage -Queue Poison | ForEach-Object Reason) }"
            if ($poisoned.Reasons) { Write-Host "    poisoned: $($poisoned.Reasons -join ' | ')" }
            Write-Host ("    Azurite stopped for 4 s under a worker: 150 events, job PUTs {0}, queues {1}" -f ($after.'job-put' - $before.'job-put'), (($queues | ForEach-Object { "$($_.Queue)=$($_.ApproximateCount)" }) -join ' '))
            ($queues | Where-Object Queue -in 'Main', 'Retry', 'Poison').ApproximateCount | Should -Be @(0, 0, 0)
            # A VM with no state record is PUT without the GET first; Automation's 409 for the existing job is adopted.
            ($after.jobs - $before.jobs) | Should -Be 0 -Because 'every VM had its job already: each found and adopted, none started twice'
            $states = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; [pscustomobject]@{ Succeeded = @(Get-VmOnboardingState -State Succeeded).Count }"
            $states.Succeeded | Should -Be 150
        }
        finally { Stop-TestAzurite $azurite }
    }
}

Describe 'A burst within Automation''s job quota' {
    BeforeAll {
        # An emulator whose Automation account accepts 20 new jobs per 2 s (Automation's 100 per 30 s, scaled in time).
        $script:SavedEmulators = $script:Emulators
        $script:SavedEnvironment = $script:Environment
        $script:Emulators = Invoke-WithEnvironment @{ VMEVENTOPSTEST_LOAD_VMS = '200'; VMEVENTOPSTEST_JOB_QUOTA = '20/2' } { Start-TestEmulators }
        $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
        $script:Environment = (Get-EmulatorEnvironment $script:Emulators) + @{
            VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
            VMEVENTOPS_QUEUENAME = "burst-$suffix"; VMEVENTOPS_RETRYQUEUENAME = "burst-$suffix-retry"
            VMEVENTOPS_SUCCEEDEDQUEUENAME = "burst-$suffix-ok"; VMEVENTOPS_POISONQUEUENAME = "burst-$suffix-poison"
            VMEVENTOPS_STATETABLENAME = "burst$suffix"
            VMEVENTOPS_ALLOWEDSCOPES = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-load'
            VMEVENTOPS_MAXATTEMPTS = '1'   # a throttled message that used up an attempt would be poisoned at once
            # Each worker paces itself to the whole quota, as each Functions instance does: together they exceed it.
            VMEVENTOPS_AUTOMATIONJOBSPERWINDOW = '20'; VMEVENTOPS_AUTOMATIONJOBWINDOW = '2'
        }
    }

    AfterAll {
        Stop-TestEmulators $script:Emulators
        $script:Emulators = $script:SavedEmulators
        $script:Environment = $script:SavedEnvironment
    }

    It 'onboards 200 VMs through 2 workers: exactly 200 jobs, none poisoned, none lost, no attempt used up by throttling' {
        Send-Events (1..200)
        $workers = 1..2 | ForEach-Object { Start-Worker '-Concurrency 8 -BatchSize 16 -IncludeRetry -UntilEmpty -MaxRunTime 00:05:00' }
        foreach ($worker in $workers) { $worker.WaitForExit(); $worker.ExitCode | Should -Be 0 -Because $worker.StandardError.ReadToEnd() }
        $calls = Get-ArmCalls
        $queues = Get-Queues
        $succeeded = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; `$m = @(Get-VmEventMessage -Queue Succeeded -All); [pscustomobject]@{ Count = `$m.Count; Attempts = @(`$m | ForEach-Object Attempt | Sort-Object -Unique); Deferrals = @(`$m | ForEach-Object { @(`$_.History | Where-Object Stage -eq 'Throttled').Count } | Measure-Object -Sum).Sum }"
        Write-Host ("    burst: 200 VMs, 2 workers, quota 20 per 2 s: job PUTs {0}, answered 429 {1}, jobs {2}, deferrals {3}, queues {4}" -f $calls.'job-put', $calls.'job-throttled', $calls.jobs, $succeeded.Deferrals, (($queues | ForEach-Object { "$($_.Queue)=$($_.ApproximateCount)" }) -join ' '))
        $calls.'job-throttled' | Should -BeGreaterThan 0 -Because 'the burst must have met the quota'
        $calls.jobs | Should -Be 200
        ($queues | Where-Object Queue -in 'Main', 'Retry', 'Poison').ApproximateCount | Should -Be @(0, 0, 0)
        $succeeded.Count | Should -Be 200
        $succeeded.Attempts | Should -Be @(1)
    }
}
