# The benchmark's driver and tool (build.ps1 -Task Bench) on a tiny run, so they cannot rot between runs: every
# scenario completes and reports, and the counts that are not timings hold. No speed is asserted here: speed is what
# the benchmark measures, on a machine and a run of its own.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $tool = if ($env:VMEVENTOPSTEST_BENCHTOOL) { $env:VMEVENTOPSTEST_BENCHTOOL } else { Join-Path $PSScriptRoot '../../out/benchtool/VmEventOps.Benchmarks.dll' }
    if (-not (Test-Path $tool)) { throw "The benchmark tool is not built at ${tool}: run build.ps1 -Task Test." }
    $script:Out = Join-Path $TestDrive 'bench'
    & (Join-Path $PSScriptRoot '../../bench/Invoke-Benchmark.ps1') -Scenario Throughput -Events 20 -Concurrency 1, 4 -IdleSeconds 6 -WarmUpRounds 2 -WarmUpRoundSize 10 -ColdMemory -ModulePath (Get-TestModulePath) -Tool $tool -OutFolder $script:Out -SkipMicro *> (Join-Path $TestDrive 'bench.log')
    # The burst on its own, merged into the same results.json: 40 VMs, 2 workers, an account that takes 10 jobs per second.
    & (Join-Path $PSScriptRoot '../../bench/Invoke-Benchmark.ps1') -Scenario Burst -BurstEvents 40 -Workers 2 -Quota 10/1 -ModulePath (Get-TestModulePath) -Tool $tool -OutFolder $script:Out *> (Join-Path $TestDrive 'burst.log')
    # The sweep on its own, merged too: a subscription of 300 VMs (and of 30 for the memory comparison).
    & (Join-Path $PSScriptRoot '../../bench/Invoke-Benchmark.ps1') -Scenario Sweep -SweepVms 300 -ModulePath (Get-TestModulePath) -Tool $tool -OutFolder $script:Out *> (Join-Path $TestDrive 'sweep.log')
    $script:Results = Get-Content -Raw (Join-Path $script:Out 'results.json') | ConvertFrom-Json
}

Describe 'build.ps1 -Task Bench (a 20-event run)' {
    It 'measures the raw limit and the workflow at each concurrency, every event onboarded' {
        $script:Results.throughput.concurrency | Should -Be @(1, 4)
        foreach ($row in $script:Results.throughput) {
            $row.rawMovesPerSecond | Should -BeGreaterThan 0
            $row.workflowEventsPerSecond | Should -BeGreaterThan 0
            $row.ratio | Should -BeGreaterThan 0
            # The limit of the workflow's own storage calls (insert, send beside replace, delete), measured the same way.
            $row.rawEventsPerSecond | Should -BeGreaterThan 0
            [math]::Abs($row.ratioToRawEvent - $row.workflowEventsPerSecond / $row.rawEventsPerSecond) | Should -BeLessOrEqual 0.02
            $row.cpuMsPerEvent | Should -BeGreaterThan 0
            $row.stageMsPerEvent | Should -BeGreaterThan 0
            $row.stageMedianMs.PSObject.Properties.Name | Should -Contain 'VmLookup'
            $row.stageMedianMs.PSObject.Properties.Name | Should -Contain 'Route'
            # Warmed up on the warm-up Azurite in rounds of 10, one round at least and two at most, before the timed part.
            foreach ($warm in $row.warmUpEvents, $row.rawWarmUpMessages, $row.rawEventWarmUpMessages) {
                $warm | Should -BeIn 10, 20
            }
        }
        Get-Content -Raw (Join-Path $script:Out 'results.md') | Should -Match '\| Warm-up before each run, untimed'
        # Both accounts reach the workers through their environment: no script the bench writes holds a key.
        Get-ChildItem (Join-Path $script:Out 'work') -Filter 'worker-*.ps1' | Should -Not -BeNullOrEmpty
        Get-ChildItem (Join-Path $script:Out 'work') -Filter 'worker-*.ps1' | Select-String -SimpleMatch 'AccountKey=' | Should -BeNullOrEmpty
    }

    It 'counts three ARM calls and two table operations per new VM (VM, NIC, job PUT; claim, outcome) and one token request for the run' {
        $script:Results.calls.onboarded | Should -Be 20
        $script:Results.calls.armPerEvent | Should -Be 3
        $script:Results.calls.armByOperation.'job-get' | Should -BeNullOrEmpty
        $script:Results.calls.tokenRequests | Should -Be 1
        $script:Results.calls.queueOpsPerEvent | Should -BeGreaterThan 1
        # The claim is the record's insert (no read first), the outcome its replace; the table's creation adds 1 in 20.
        $script:Results.calls.storageByOperation.'table POST table' | Should -Be 1
        $script:Results.calls.storageByOperation.'table PUT entity' | Should -Be 1
        $script:Results.calls.storageByOperation.'table GET entity' | Should -BeNullOrEmpty
        $script:Results.calls.tableOpsPerEvent | Should -BeLessOrEqual 2.05
    }

    It 'counts what an idle worker costs in storage transactions' {
        $script:Results.idle.seconds | Should -Be 6
        $script:Results.idle.storageOps | Should -BeGreaterThan 0
        $script:Results.idle.perMinute | Should -Be ([math]::Round($script:Results.idle.storageOps / 0.1, 1))
    }

    It 'reports latency percentiles for every paced event, start-up and memory' {
        $script:Results.latency.events | Should -Be 20
        # On a running worker: warmed up first, in rounds of 10, as the throughput runs are.
        $script:Results.latency.warmUpEvents | Should -BeIn 10, 20
        $script:Results.latency.p50Ms | Should -BeLessOrEqual $script:Results.latency.p99Ms
        # Split into the message's own processing and the wait before it: each no more than the whole.
        $script:Results.latency.processingP50Ms | Should -BeGreaterThan 0
        $script:Results.latency.processingP50Ms | Should -BeLessOrEqual $script:Results.latency.maxMs
        $script:Results.latency.waitingP50Ms | Should -BeLessOrEqual $script:Results.latency.maxMs
        $script:Results.startup.configurationMedianMs | Should -BeGreaterThan 0
        $script:Results.startup.bareMedianMs | Should -BeGreaterThan 0
        $script:Results.startup.moduleMedianMs | Should -BeGreaterThan 0
        # The floor (a one-cmdlet binary module) and the same steps timed inside the process, with what the JIT compiled.
        $script:Results.startup.floorMedianMs | Should -BeGreaterThan 0
        # Both are over the same bare start, so it cancels (each figure rounded on its own).
        [math]::Abs($script:Results.startup.overFloorMs - ($script:Results.startup.moduleMedianMs - $script:Results.startup.floorMedianMs)) | Should -BeLessOrEqual 1
        $script:Results.startup.powerShellPrecompiled | Should -BeOfType [bool]
        foreach ($case in 'floor', 'configuration', 'queue') {
            $script:Results.startup.inProcess.$case.importMs | Should -BeGreaterThan 0
            $script:Results.startup.inProcess.$case.importMethods | Should -BeGreaterThan 0
            $script:Results.startup.inProcess.$case.callMethods | Should -BeGreaterOrEqual 0
        }
        # The same on a copy of this PowerShell precompiled by crossgen2: PowerShell's own engine among what was compiled,
        # every start timed, and the copy's engine now carries ReadyToRun code.
        $precompiled = $script:Results.startup.precompiled
        $precompiled.crossgen2 | Should -Be ([Environment]::Version.ToString())
        $precompiled.assemblies | Should -Contain 'System.Management.Automation.dll'
        foreach ($name in 'bareMedianMs', 'moduleMedianMs', 'configurationMedianMs', 'floorMedianMs') { $precompiled.$name | Should -BeGreaterThan 0 }
        $engine = [IO.File]::OpenRead((Join-Path $script:Out 'precompiled-pwsh/System.Management.Automation.dll'))
        try { [System.Reflection.PortableExecutable.PEReader]::new($engine).PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size | Should -BeGreaterThan 0 }
        finally { $engine.Dispose() }
        Get-Content -Raw (Join-Path $script:Out 'results.md') | Should -Match '\| Start-up on this PowerShell precompiled'
        # On .NET 8 (PowerShell 7.4's runtime) the engine's first queue status read the four queues both ways, and the
        # copy compiled by crossgen2 8 is used by that runtime: the JIT compiles fewer methods for it.
        $net8 = $script:Results.startup.net8
        $net8.runtime | Should -Match '^8\.0\.'
        $net8.assemblies | Should -BeGreaterThan 10
        $net8.il.firstStatusMs | Should -BeGreaterThan 0
        $net8.readyToRun.firstStatusMs | Should -BeGreaterThan 0
        $net8.readyToRun.jitMethods | Should -BeLessThan ($net8.il.jitMethods * 0.8)
        $net8.readyToRun.sizeMB | Should -BeGreaterThan $net8.il.sizeMB
        Get-Content -Raw (Join-Path $script:Out 'results.md') | Should -Match '\| Start-up on \.NET 8\.0\.'
        # A first call to storage builds the SDK's clients: more code runs the first time than for the floor's cmdlet.
        $script:Results.startup.inProcess.queue.callMethods | Should -BeGreaterThan $script:Results.startup.inProcess.floor.callMethods
        $script:Results.memory.peakAtNMB | Should -BeGreaterThan 0
        $script:Results.memory.peakAt10NMB | Should -BeGreaterThan 0
        # What the worker kept on the managed heap after each run, so growth can be told from a leak.
        $script:Results.memory.retainedAtNMB | Should -BeGreaterThan 0
        $script:Results.memory.retainedAt10NMB | Should -BeGreaterThan 0
        # Marked in the same worker after N and 5 N results: peaks only grow, and so does the JIT's count.
        $script:Results.memory.peakAt5NMB | Should -BeGreaterOrEqual $script:Results.memory.peakAtNMB
        $script:Results.memory.peakAt10NMB | Should -BeGreaterOrEqual $script:Results.memory.peakAt5NMB
        $script:Results.memory.jitMethodsAt10N | Should -BeGreaterOrEqual $script:Results.memory.jitMethodsAtN
        $script:Results.memory.gcCommittedAtNMB | Should -BeGreaterThan 0
        # Warmed up first; the same from a cold worker, fed as many events.
        $script:Results.memory.warmUpEvents | Should -BeIn 10, 20
        $script:Results.memory.cold.processedAt10N | Should -Be $script:Results.memory.processedAt10N
        $script:Results.memory.cold.peakAt10NMB | Should -BeGreaterOrEqual $script:Results.memory.cold.peakAtNMB
        # -MemoryWithoutPgo not given: no such run (it is the cold run's code with DOTNET_TieredPGO=0).
        $script:Results.memory.withoutPgo | Should -BeNullOrEmpty
        Get-Content -Raw (Join-Path $script:Out 'results.md') | Should -Match '\| Throughput, concurrency 4 \|'
        Get-Content -Raw (Join-Path $script:Out 'results.md') | Should -Match '\| Start-up floor: a one-cmdlet binary module'
    }
}

Describe 'build.ps1 -Task Bench -Scenario Burst (a 40-event run)' {
    It 'onboards every VM once within the quota and reports the burst figures beside the earlier results' {
        $burst = $script:Results.burst
        $burst.events | Should -Be 40
        $burst.jobsCreated | Should -Be 40
        $burst.onboarded | Should -Be 40
        $burst.poisoned | Should -Be 0
        $burst.lost | Should -Be 0
        $burst.maxAttempt | Should -Be 1
        $burst.floorSeconds | Should -Be 4
        $burst.completionSeconds | Should -BeGreaterThan 0
        ($burst.jobsPerWindow | Measure-Object -Sum).Sum | Should -Be 40
        $burst.jobsPerWindow | ForEach-Object { $_ | Should -BeLessOrEqual 10 }
        $script:Results.throughput.concurrency | Should -Be @(1, 4) -Because 'a partial run keeps the other results'
        Get-Content -Raw (Join-Path $script:Out 'results.md') | Should -Match '\| Burst: 40 VMs at once, 2 workers, quota 10 per 1 s \|'
    }
}

Describe 'build.ps1 -Task Bench -Scenario Sweep (a 300-VM subscription)' {
    It 'lists every VM with one ARM call per page, queues each once, and reports time and peak memory beside the earlier results' {
        $sweep = $script:Results.sweep
        # The emulator's own VMs (rg-demo, rg-other) are in the subscription too.
        $sweep.vms | Should -BeGreaterOrEqual 300
        $sweep.whatIfArmCalls | Should -Be ([math]::Ceiling($sweep.vms / 100))
        $sweep.queuedArmCalls | Should -Be $sweep.whatIfArmCalls
        $sweep.queued | Should -Be $sweep.vms
        $sweep.graphArmCalls | Should -Be 1
        $sweep.complete | Should -BeTrue
        $sweep.whatIfPeakMB | Should -BeGreaterThan 0
        $sweep.memoryRatio | Should -BeGreaterThan 0
        $script:Results.burst.events | Should -Be 40 -Because 'a partial run keeps the other results'
        Get-Content -Raw (Join-Path $script:Out 'results.md') | Should -Match '\| Sweep of a \d+-VM subscription'
    }
}
