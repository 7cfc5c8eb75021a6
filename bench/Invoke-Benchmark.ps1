<#
.SYNOPSIS
    The benchmark (build.ps1 -Task Bench): throughput against the raw queue-move limit, Azure calls per event, latency,
    start-up and memory, measured in one run against Azurite and the ARM + identity emulators, plus BenchmarkDotNet for
    the engine's hot paths. Writes a table and out/bench/results.json.
.DESCRIPTION
    Every rate is also given as a ratio to a limit measured in the same run, because absolute numbers drift on shared
    machines. Scenarios:
    1. Raw limits: receive 32, send each to another queue, delete it, at each concurrency, with the SDK the engine uses;
       and the raw event limit: the same loop doing a new VM's storage calls (insert, send beside replace, delete).
       Each first warms up untimed on a second Azurite until the JIT has settled (rounds of -WarmUpRoundSize).
    2. Workflow: Start-VmEventWorker -UntilEmpty in its own pwsh over N fresh VM events (ARM and identity emulators,
       SQLite database check) at each concurrency, after warming up the same way on the second Azurite (a running
       worker: tiered compilation recompiles the hot code in the background for the first several hundred events);
       events/s and the ratios to (1), and beside it an event's critical path
       (the median sum of its stages, the state read and the VM GET overlapping) and the worker's CPU per event.
    3. Calls per event: the same workflow with storage behind a counting proxy; ARM requests per VM by operation,
       token requests, table and queue operations per event; and, from just before it, in the background while the
       scenarios after it run, a worker idle on empty queues of an Azurite and a counting proxy of its own for
       -IdleSeconds: its storage transactions per minute (what polling costs when nothing arrives).
    4. Latency: events enqueued at half the measured rate (concurrency 8) while a worker runs, warmed up first as in
       (2); enqueue to outcome.
    5. Start-up: median of 5 of Import-Module plus a first call to storage, over the median of 5 bare pwsh starts; the
       same for a one-cmdlet binary module (bench/VmEventOps.StartupFloor: what PowerShell spends on any binary module);
       and, timed inside 3 fresh processes, the import and the first call with the JIT's time and methods compiled;
       then the same whole-process medians on a copy of this PowerShell precompiled by crossgen2 (New-PrecompiledPwsh),
       as PowerShell's release packages, the hosts of Functions and Automation, ship it.
    6. Memory: one worker fed 10 x N events (concurrency 8), its peak working set, GC committed memory, threads and
       JIT-compiled methods marked after N, 5 N and 10 N results, on a worker warmed up first as in (2) (what grows with
       the events once the JIT's tiers are done); -ColdMemory also from a cold worker, -MemoryWithoutPgo from a cold
       worker with DOTNET_TieredPGO=0.
    7. Burst (-Scenario Burst, or All): N fresh VM events enqueued at once, -Workers competing worker processes (as
       Functions instances would), an Automation account that accepts -Quota jobs (count/seconds, Automation's 100 per
       30 s scaled in time); completion time against the quota floor (N / count x seconds), jobs, 429s, poison, the
       highest attempt and dequeue count.
    8. Sweep (-Scenario Sweep, or All): Sync-VmOnboarding over a subscription of -SweepVms VMs (the ARM emulator's
       VirtualMachines_ListAll, 100 VMs a page) with a fresh state table: -WhatIf (list and state lookups only), the real
       sweep (every VM queued), and the Resource Graph query; ARM requests, time and the sweeping pwsh's peak working set,
       against a -WhatIf sweep of a tenth as many VMs (memory that stays flat: the sweep streams).
    -Scenario Throughput runs 1-6; results of a partial run are merged into an existing results.json.
#>
param(
    [ValidateSet('All', 'Throughput', 'Burst', 'Sweep')]
    [string] $Scenario = 'All',
    # Sweep: VMs in the swept subscription.
    [int] $SweepVms = 10000,
    [int] $Events = 500,
    # Burst: VM events enqueued at once, competing worker processes, and the account's quota (jobs/seconds).
    [int] $BurstEvents = 1000,
    [int] $Workers = 4,
    [ValidatePattern('^\d+/\d+(\.\d+)?$')]
    [string] $Quota = '50/3',
    [int[]] $Concurrency = @(1, 8, 32),
    # Idle: how long a worker polls empty queues while its storage transactions are counted.
    [int] $IdleSeconds = 60,
    # Warm-ups (the workflow's worker and the raw loops): rounds of this many events, at most this many rounds, until the
    # JIT has settled: a round and this many milliseconds after it compiled fewer than this many methods
    # (New-WarmUpScript for the worker, JitSettling in the bench tool for the raw loops).
    [int] $WarmUpRounds = 12,
    [int] $WarmUpRoundSize = 100,
    [int] $WarmUpSettledBelow = 300,
    [int] $WarmUpPauseMs = 500,
    # Memory: also from a cold worker, and from a cold worker with the runtime's dynamic PGO off (DOTNET_TieredPGO=0).
    [switch] $ColdMemory,
    [switch] $MemoryWithoutPgo,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Tool,
    [Parameter(Mandatory)] [string] $OutFolder,
    [switch] $SkipMicro
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../tests/pester/TestHarness.psm1') -Force
$pwshDll = Join-Path $PSHOME 'pwsh.dll'
$null = New-Item -ItemType Directory -Force $OutFolder
$work = New-Item -ItemType Directory -Force (Join-Path $OutFolder 'work')
$database = Join-Path $work 'app.db'
Set-Content $database -Value $null

function Write-Step([string] $Text) { Write-Host "[$([DateTime]::Now.ToString('HH:mm:ss'))] $Text" }

function Invoke-Tool {
    # The benchmark tool's one JSON line.
    $output = & dotnet $Tool @args
    if ($LASTEXITCODE -ne 0) { throw "VmEventOps.Benchmarks $($args -join ' ') failed: $output" }
    @($output)[-1] | ConvertFrom-Json
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}

function Get-Percentile([double[]] $Values, [double] $Percent) {
    $sorted = @($Values | Sort-Object)
    $sorted[[math]::Min($sorted.Count - 1, [int][math]::Ceiling($Percent / 100 * $sorted.Count) - 1)]
}

# VMs vm-load-0001... in the ARM emulator: each scenario onboards VMs no other scenario touched.
$script:NextVm = 1
function Get-VmRange([int] $Count) { $first = $script:NextVm; $script:NextVm += $Count; $first }

function Get-EmulatorCounts {
    [pscustomobject]@{
        Arm    = Invoke-RestMethod "$armBase/_emulator/calls" -SkipCertificateCheck
        Tokens = (Invoke-RestMethod "$identityBase/_emulator/requests").appService
    }
}

function New-WorkerSettings([string] $Name, [string] $Connection = $azurite.ConnectionString) {
    (Get-EmulatorEnvironment $emulators) + @{
        VMEVENTOPS_STORAGECONNECTIONSTRING = $Connection
        VMEVENTOPS_QUEUENAME               = "$Name"
        VMEVENTOPS_SUCCEEDEDQUEUENAME      = "$Name-ok"
        VMEVENTOPS_RETRYQUEUENAME          = "$Name-retry"
        VMEVENTOPS_POISONQUEUENAME         = "$Name-poison"
        VMEVENTOPS_STATETABLENAME          = ($Name -replace '[^A-Za-z0-9]', '')
        VMEVENTOPS_ALLOWEDSCOPES           = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-load'
        # Scenarios 1-6 measure the engine against an account with no job quota; the burst sets the pacing to its quota.
        VMEVENTOPS_AUTOMATIONJOBSPERWINDOW = '10000'
        VMEVENTOPS_DBPROVIDER              = 'Sqlite'
        VMEVENTOPS_DBSERVER                = $database
    }
}

function Reset-Azurite {
    # Azurite's in-memory store slows down with every message it holds or has held, in any queue (600 events took 5 s
    # on a fresh account and 13 s beside 4,000 messages in another queue; deleting them does not give the speed back),
    # so every scenario starts on a fresh Azurite, on the same ports (the connection strings and the proxy stay valid).
    $ports = $script:Azurite.Ports
    Stop-TestAzurite $script:Azurite
    $script:Azurite = Start-TestAzurite -BlobPort $ports.Blob -QueuePort $ports.Queue -TablePort $ports.Table
}

function Reset-WarmAzurite {
    # The warm-up Azurite too, after each warm-up, for the same reason: the next warm-up would crawl beside the last one's messages.
    $ports = $script:WarmAzurite.Ports
    Stop-TestAzurite $script:WarmAzurite
    $script:WarmAzurite = Start-TestAzurite -BlobPort $ports.Blob -QueuePort $ports.Queue -TablePort $ports.Table
}

function Start-CountingProxy($Azurite) {
    # The bench tool's counting proxy in front of an Azurite's queues and tables, until its standard input closes; its
    # process, its URLs (counts at <queue URL>/_counts) and a connection string through it.
    $start = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in $Tool, 'proxy', '--queue', $Azurite.QueueUri.Replace('/devstoreaccount1', ''), '--table', $Azurite.TableUri.Replace('/devstoreaccount1', '')) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardInput = $true
    $start.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($start)
    $urls = $process.StandardOutput.ReadLine() | ConvertFrom-Json
    $account = 'devstoreaccount1'
    @{
        Process = $process; Urls = $urls
        Connection = "DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$($Azurite.AccountKey);QueueEndpoint=$($urls.queue)/$account;TableEndpoint=$($urls.table)/$account"
    }
}

function Stop-CountingProxy($Proxy) {
    $Proxy.Process.StandardInput.Close()
    if (-not $Proxy.Process.WaitForExit(5000)) { $Proxy.Process.Kill($true) }
}

function Invoke-Worker([hashtable] $Settings, [int] $Concurrency, [int] $StopAfter = 0, [string] $CompletionsFile, [int] $MaxSeconds = 3600, [switch] $WarmUp, [int[]] $MarkAt = @()) {
    # Start-VmEventWorker in a pwsh of its own; returns its summary and its peak working set. -WarmUp: it first works
    # through rounds of other events on the warm-up Azurite, untimed and uncounted, until the JIT has settled (a running
    # worker, as a warm Functions instance is; start-up is measured on its own).
    $script = New-WorkerScript @PSBoundParameters
    # The warm-up's account reaches the worker as the measured settings do, through its environment.
    $environment = if ($WarmUp) { $Settings + @{ VMEVENTOPSBENCH_WARMCONNECTION = $script:WarmAzurite.ConnectionString } } else { $Settings }
    try { Invoke-PwshFile -Path $script -Environment $environment }
    finally { if ($WarmUp) { Reset-WarmAzurite } }
}

function New-WorkerScript([hashtable] $Settings, [int] $Concurrency, [int] $StopAfter = 0, [string] $CompletionsFile, [int] $MaxSeconds = 3600, [switch] $WarmUp, [int[]] $MarkAt = @()) {
    # The worker's script for Invoke-Worker (or a worker in the background): its path.
    $batch = [math]::Min(32, [math]::Max(16, $Concurrency))
    $warm = if ($WarmUp) { New-WarmUpScript $Settings $Concurrency $batch } else { '$warmUp = @{ Events = 0; Rounds = 0 }' }
    $record = if ($CompletionsFile) {
        "| Where-Object { `$_.PSObject.TypeNames[0] -like '*VmEventResult' } | ForEach-Object { `$completions.Add(`"`$(`$_.VmName)``t`$([DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds())``t`$(`$_.ElapsedMs)`"); `$_ } | Select-Object -First $StopAfter"
    } else { '' }
    $until = if ($StopAfter) { "-MaxRunTime ([TimeSpan]::FromSeconds($MaxSeconds))" } else { '-UntilEmpty' }
    $script = Join-Path $work "worker-$([guid]::NewGuid().ToString('n')).ps1"
    Set-Content $script @"
`$ErrorActionPreference = 'Stop'
# Where the working set is: its peak, what the GC holds committed (its heaps and their budgets), the threads, the code the JIT compiled.
function Measure-Process {
    `$process = [Diagnostics.Process]::GetCurrentProcess()
    @{
        PeakWorkingSetMB = [math]::Round(`$process.PeakWorkingSet64 / 1MB, 1); GcCommittedMB = [math]::Round([GC]::GetGCMemoryInfo().TotalCommittedBytes / 1MB, 1)
        Threads = `$process.Threads.Count; JitMethods = [System.Runtime.JitInfo]::GetCompiledMethodCount(`$false)
    }
}
Import-Module '$ModulePath'
$warm
`$completions = [Collections.Generic.List[string]]::new()
`$cpu = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
`$clock = [Diagnostics.Stopwatch]::StartNew()
# Streamed, not collected: holding every result would grow the worker's own memory with N and blur the memory figure.
`$summary = `$null; `$processed = 0; `$succeeded = 0; `$marks = @{}
`$sums = [Collections.Generic.List[long]]::new()
`$byStage = [ordered]@{}
Start-VmEventWorker -Concurrency $Concurrency -BatchSize $batch $until $record | ForEach-Object {
    if (`$_.PSObject.TypeNames[0] -like '*WorkerSummary') { `$summary = `$_; return }
    if (`$_.PSObject.TypeNames[0] -notlike '*VmEventResult') { return }
    `$processed++
    # -MarkAt: the process as it stood after so many results, to compare with the end of the same run.
    if (`$processed -in @($($MarkAt -join ','))) { `$marks["`$processed"] = Measure-Process }
    if ("`$(`$_.Outcome)" -eq 'Succeeded') { `$succeeded++ }
    `$stages = `$_.Stages; `$sum = 0
    foreach (`$k in `$stages.Keys) {
        if (-not `$byStage.Contains(`$k)) { `$byStage[`$k] = [Collections.Generic.List[long]]::new() }
        `$byStage[`$k].Add(`$stages[`$k])
        if (`$k -notin 'State', 'VmLookup') { `$sum += `$stages[`$k] }
    }
    # The state read and the VM GET overlap: the longer of the two is on the path.
    `$sums.Add(`$sum + [math]::Max([long]`$stages['State'], [long]`$stages['VmLookup']))
}
`$clock.Stop()
`$cpu = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - `$cpu
if ('$CompletionsFile') { [IO.File]::WriteAllLines('$CompletionsFile', `$completions) }
function Get-Median(`$values) { `$sorted = @(`$values | Sort-Object); if (`$sorted.Count) { `$sorted[[int]((`$sorted.Count - 1) / 2)] } else { 0 } }
`$medians = [ordered]@{}
foreach (`$k in `$byStage.Keys) { `$medians[`$k] = Get-Median `$byStage[`$k] }
# The peak before the garbage is collected; the GC's committed memory, threads and code after it.
`$peak = (Measure-Process).PeakWorkingSetMB
`$retained = [math]::Round([GC]::GetTotalMemory(`$true) / 1MB, 1)
`$state = Measure-Process
[pscustomobject]@{
    Seconds = if (`$summary) { `$summary.Elapsed.TotalSeconds } else { `$clock.Elapsed.TotalSeconds }
    Processed = `$processed
    Succeeded = `$succeeded
    PeakWorkingSetMB = `$peak
    # What the run left on the managed heap once the garbage is collected: flat from N to 10 N unless something keeps per event.
    RetainedMB = `$retained
    GcCommittedMB = `$state.GcCommittedMB
    Threads = `$state.Threads
    JitMethods = `$state.JitMethods
    WarmUpEvents = `$warmUp.Events
    WarmUpRounds = `$warmUp.Rounds
    Marks = `$marks
    # The worker process's CPU (engine, SDK clients and PowerShell) per event processed.
    CpuMsPerEvent = if (`$processed) { [math]::Round(`$cpu.TotalMilliseconds / `$processed, 2) } else { 0 }
    # An event's own critical path: the sum of its stages, median.
    StageMsPerEvent = Get-Median `$sums
    # Its stages, for the round trips they stand for: the median milliseconds of each.
    StageMedians = `$medians
} | ConvertTo-Json -Compress -Depth 4
"@
    $script
}

function Start-IdleWorker {
    # What an idle worker costs: a worker on empty queues for -IdleSeconds, its storage transactions counted by a proxy
    # of its own in front of an Azurite of its own, in the background while the scenarios after it run (it waits, and
    # its queues are apart from theirs). Stop-IdleWorker collects it.
    $idleAzurite = Start-TestAzurite
    $idleProxy = Start-CountingProxy $idleAzurite
    $settings = New-WorkerSettings 'idle' -Connection $idleProxy.Connection
    # Empty queues as a drained deployment has them (created straight on its Azurite: not counted).
    foreach ($queue in $settings.VMEVENTOPS_QUEUENAME, $settings.VMEVENTOPS_RETRYQUEUENAME, $settings.VMEVENTOPS_SUCCEEDEDQUEUENAME, $settings.VMEVENTOPS_POISONQUEUENAME) {
        $null = Invoke-Tool seed --connection $idleAzurite.ConnectionString --queue $queue --first 1 --count 0
    }
    $null = Invoke-RestMethod -Method Post "$($idleProxy.Urls.queue)/_counts/reset"
    $script = New-WorkerScript $settings 1 -StopAfter 1 -MaxSeconds $IdleSeconds
    $process = Start-Process dotnet -ArgumentList $pwshDll, '-NoProfile', '-NonInteractive', '-File', $script -Environment $settings -PassThru -NoNewWindow `
        -RedirectStandardOutput (Join-Path $work 'idle.out') -RedirectStandardError (Join-Path $work 'idle.err')
    @{ Process = $process; Proxy = $idleProxy; Azurite = $idleAzurite }
}

function Stop-IdleWorker($Idle) {
    # Waits for the idle worker to end (its -IdleSeconds), then returns the storage transactions it made; removes it.
    try {
        if (-not $Idle.Process.WaitForExit(($IdleSeconds + 120) * 1000)) { throw "The idle worker did not stop after $IdleSeconds s." }
        if ($Idle.Process.ExitCode -ne 0) { throw "The idle worker exited with $($Idle.Process.ExitCode): $(Get-Content -Raw (Join-Path $work 'idle.err'))" }
        $counts = Invoke-RestMethod "$($Idle.Proxy.Urls.queue)/_counts"
        ($counts.PSObject.Properties | Measure-Object Value -Sum).Sum
    }
    finally { Remove-IdleWorker $Idle }
}

function Remove-IdleWorker($Idle) {
    # The idle worker ended (or killed, when a scenario failed first), then its proxy and its Azurite.
    if (-not $Idle.Process.HasExited) { $Idle.Process.Kill($true) }
    Stop-CountingProxy $Idle.Proxy
    Stop-TestAzurite $Idle.Azurite
}

function New-WarmUpScript([hashtable] $Settings, [int] $Concurrency, [int] $Batch) {
    # The worker's warm-up, the raw loops' rule (JitSettling in the bench tool): rounds of -WarmUpRoundSize events on the
    # warm-up Azurite (the measured one stays fresh: Azurite slows down with every message it has held) until a round and
    # -WarmUpPauseMs after it compiled fewer than -WarmUpSettledBelow methods, at most -WarmUpRounds rounds. Tiered
    # compilation recompiles the hot code in the background for the first several hundred events; a running instance
    # has done that long ago. The warm-up account comes from VMEVENTOPSBENCH_WARMCONNECTION (Invoke-Worker).
    $queue = "$($Settings.VMEVENTOPS_QUEUENAME)-warm"
    $null = Invoke-Tool seed --connection $script:WarmAzurite.ConnectionString --queue $queue --first (Get-VmRange ($WarmUpRounds * $WarmUpRoundSize)) --count $WarmUpRoundSize --rounds $WarmUpRounds
    @"
`$warmUp = @{ Events = 0; Rounds = 0 }
`$measured = @{ Connection = `$env:VMEVENTOPS_STORAGECONNECTIONSTRING; Queue = `$env:VMEVENTOPS_QUEUENAME }
`$env:VMEVENTOPS_STORAGECONNECTIONSTRING = `$env:VMEVENTOPSBENCH_WARMCONNECTION
foreach (`$round in 1..$WarmUpRounds) {
    `$env:VMEVENTOPS_QUEUENAME = "$queue-`$round"
    `$jit = [System.Runtime.JitInfo]::GetCompiledMethodCount(`$false)
    `$warmUp.Events += @(Start-VmEventWorker -Concurrency $Concurrency -BatchSize $Batch -UntilEmpty | Where-Object { `$_.PSObject.TypeNames[0] -like '*VmEventResult' }).Count
    `$warmUp.Rounds = `$round
    Start-Sleep -Milliseconds $WarmUpPauseMs
    if ([System.Runtime.JitInfo]::GetCompiledMethodCount(`$false) - `$jit -lt $WarmUpSettledBelow) { break }
}
`$env:VMEVENTOPS_STORAGECONNECTIONSTRING = `$measured.Connection
`$env:VMEVENTOPS_QUEUENAME = `$measured.Queue
"@
}

function Add-Events([hashtable] $Settings, [int] $First, [int] $Count, [double] $Rate = 0, [string] $SentFile) {
    $arguments = @('seed', '--connection', $azurite.ConnectionString, '--queue', $Settings.VMEVENTOPS_QUEUENAME, '--first', "$First", '--count', "$Count")
    if ($Rate -gt 0) { $arguments += '--rate', "$Rate" }
    if ($SentFile) { $arguments += '--sent', $SentFile }
    Invoke-Tool @arguments
}

function Build-StartupFloor {
    # The one-cmdlet module of bench/VmEventOps.StartupFloor, built into the output folder; returns its manifest.
    $floor = Join-Path $OutFolder 'floor'
    $output = & dotnet build (Join-Path $PSScriptRoot 'VmEventOps.StartupFloor/VmEventOps.StartupFloor.csproj') -c Release -o $floor --nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) { throw "The start-up floor module did not build: $output" }
    Join-Path $floor 'StartupFloor.psd1'
}

function Test-ReadyToRun([string] $Path) {
    # True when the assembly carries precompiled (ReadyToRun) code: its CLI header has a managed native header.
    $stream = [IO.File]::OpenRead($Path)
    try {
        $reader = [System.Reflection.PortableExecutable.PEReader]::new($stream)
        $header = $reader.PEHeaders.CorHeader
        $null -ne $header -and $header.ManagedNativeHeaderDirectory.Size -gt 0
    }
    finally { $stream.Dispose() }
}

function Measure-PwshStart([string] $Command, [string] $Pwsh = $pwshDll) {
    # The median of 5 whole pwsh processes running the command, in milliseconds.
    Get-Median @(foreach ($i in 1..5) { (Measure-Command { & dotnet $Pwsh -NoProfile -NonInteractive -Command $Command }).TotalMilliseconds })
}

function Measure-PwshStarts([string] $Pwsh, [hashtable] $Commands) {
    # The start-up set on one pwsh: bare, then each command (the module's with Azurite's connection string set, as a
    # deployment has its storage setting), medians of 5.
    [ordered]@{
        Bare          = Measure-PwshStart 'exit 0' $Pwsh
        Queue         = Invoke-WithEnvironment @{ VMEVENTOPS_STORAGECONNECTIONSTRING = $azurite.ConnectionString } { Measure-PwshStart $Commands.Queue $Pwsh }
        # And a command that needs no Azure SDK at all: what an import and the settings cost before any client is built.
        Configuration = Invoke-WithEnvironment @{ VMEVENTOPS_STORAGECONNECTIONSTRING = $azurite.ConnectionString } { Measure-PwshStart $Commands.Configuration $Pwsh }
        # The floor: what this PowerShell spends on any binary module, imported and its one cmdlet run.
        Floor         = Measure-PwshStart $Commands.Floor $Pwsh
    }
}

function Get-Crossgen2([string] $Version) {
    # crossgen2 of a runtime version for this platform, restored from NuGet (bench/VmEventOps.Crossgen2): a ReadyToRun
    # image is used only by the runtime major version that made it.
    $rid = [Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    $project = Join-Path $PSScriptRoot 'VmEventOps.Crossgen2/VmEventOps.Crossgen2.csproj'
    $output = & dotnet restore $project "-p:Crossgen2Version=$Version" "-p:Crossgen2Rid=$rid" --nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) { throw "crossgen2 $Version for $rid did not restore: $output" }
    $crossgen = Join-Path (Get-TestNuGetRoot) "microsoft.netcore.app.crossgen2.$($rid.ToLowerInvariant())/$Version/tools/crossgen2$(if ($IsWindows) { '.exe' })"
    if (-not (Test-Path $crossgen)) { throw "crossgen2 is not at $crossgen after its restore." }
    $crossgen
}

function Invoke-Crossgen2([string] $Crossgen, [string] $Source, [string] $Target, [string[]] $References) {
    # One assembly compiled for this platform; a response file, because PowerShell would expand the references'
    # wildcards into more input files.
    $os = if ($IsWindows) { 'windows' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $arch = "$([Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture)".ToLowerInvariant()
    $image = Join-Path $work "r2r-$([guid]::NewGuid().ToString('n')).dll"
    $arguments = "$image.rsp"
    Set-Content $arguments (@($Source, '-o', $image) + @($References | ForEach-Object { '-r', $_ }) + @('--targetos', $os, '--targetarch', $arch, '-O'))
    $log = & $Crossgen "@$arguments" 2>&1
    if ($LASTEXITCODE -ne 0) { throw "crossgen2 failed on ${Source}: $log" }
    Move-Item $image $Target -Force
    Remove-Item $arguments
}

function New-PrecompiledPwsh([string[]] $Commands) {
    # A copy of this PowerShell whose own assemblies that the commands load are compiled ahead of time (ReadyToRun) by
    # crossgen2 of the runtime that runs it, as PowerShell's release packages ship them: the PowerShell dotnet tool this
    # repository runs is IL only. The module stays as it ships (IL). Returns the copy's pwsh.dll and what was compiled.
    $version = [Environment]::Version.ToString()
    $crossgen = Get-Crossgen2 $version
    $copy = Join-Path $OutFolder 'precompiled-pwsh'
    if (Test-Path $copy) { Remove-Item $copy -Recurse -Force }
    Copy-Item $PSHOME $copy -Recurse
    # Only what the measured commands load: the rest (Roslyn for Add-Type, WCF, ...) plays no part in their start-up.
    $loaded = foreach ($command in $Commands) {
        & dotnet $pwshDll -NoProfile -NonInteractive -Command "$command; [AppDomain]::CurrentDomain.GetAssemblies().Location"
    }
    $folder = [IO.Path]::TrimEndingDirectorySeparator($PSHOME)
    $names = @($loaded | Where-Object { $_ -and [IO.Path]::GetDirectoryName($_) -eq $folder } | ForEach-Object { [IO.Path]::GetFileName($_) } | Sort-Object -Unique)
    $framework = [Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
    $compiled = [Collections.Generic.List[string]]::new()
    foreach ($name in $names) {
        $source = Join-Path $PSHOME $name
        if (Test-ReadyToRun $source) { continue }
        Invoke-Crossgen2 $crossgen $source (Join-Path $copy $name) (Join-Path $framework '*.dll'), (Join-Path $PSHOME '*.dll')
        $compiled.Add($name)
    }
    [pscustomobject]@{ Pwsh = Join-Path $copy 'pwsh.dll'; Crossgen2 = $version; Compiled = $compiled.ToArray() }
}

function Measure-Net8Startup([string] $ConnectionString) {
    # PowerShell 7.4 (Azure Functions, Automation) runs on .NET 8, which is not installed here: a self-contained .NET 8
    # process (tests/VmEventOps.Net8Host) loads the module folder as the import does and times the engine's first queue
    # status, once for the module as it ships (IL) and once for a copy of it compiled by crossgen2 8 for this platform:
    # whether precompiling would pay on the runtime that runs the module in Azure. Medians of 5 each, taken in turn.
    $rid = [Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    if ($rid -ne 'linux-x64') {
        # The host project is built for linux-x64 (the Functions Linux workers); elsewhere the row is left out and said so.
        Write-Step "  the .NET 8 start-up is measured on linux-x64 only, not on $rid"
        return $null
    }
    $hostExe = if ($env:VMEVENTOPSTEST_NET8HOST -and (Test-Path $env:VMEVENTOPSTEST_NET8HOST)) { $env:VMEVENTOPSTEST_NET8HOST } else {
        $published = Join-Path $work 'net8host'
        $output = & dotnet publish (Join-Path $PSScriptRoot '../tests/VmEventOps.Net8Host/VmEventOps.Net8Host.csproj') -c Release -o $published --nologo -v quiet 2>&1
        if ($LASTEXITCODE -ne 0) { throw "The .NET 8 host did not build: $output" }
        Join-Path $published 'VmEventOps.Net8Host'
    }
    $moduleFolder = [IO.Path]::GetFullPath((Split-Path $ModulePath))
    function Invoke-FirstStatus([string] $Folder) {
        $line = & $hostExe time-status $Folder $ConnectionString
        if ($LASTEXITCODE -ne 0) { throw "The .NET 8 host failed on ${Folder}: $line" }
        $line | ConvertFrom-Json
    }
    # crossgen2 of the host's own runtime version.
    $runtime = (Invoke-FirstStatus $moduleFolder).Runtime
    $crossgen = Get-Crossgen2 $runtime
    $copy = [IO.Path]::GetFullPath((Join-Path $OutFolder 'module-readytorun'))
    if (Test-Path $copy) { Remove-Item $copy -Recurse -Force }
    Copy-Item $moduleFolder $copy -Recurse
    $references = (Join-Path (Split-Path $hostExe) '*.dll'), (Join-Path $moduleFolder '*.dll'), (Join-Path $moduleFolder 'Dependencies/*.dll')
    $compiled = 0
    # The managed assemblies (native libraries, under runtimes/, stay as they are).
    foreach ($file in Get-ChildItem $copy -Recurse -Filter *.dll | Where-Object { $_.FullName -notmatch '[\\/]runtimes[\\/]' }) {
        try { $null = [Reflection.AssemblyName]::GetAssemblyName($file.FullName) } catch [BadImageFormatException] { continue }
        Invoke-Crossgen2 $crossgen ($file.FullName.Replace($copy, $moduleFolder)) $file.FullName $references
        $compiled++
    }
    $il = [Collections.Generic.List[object]]::new(); $precompiled = [Collections.Generic.List[object]]::new()
    foreach ($i in 1..5) { $il.Add((Invoke-FirstStatus $moduleFolder)); $precompiled.Add((Invoke-FirstStatus $copy)) }
    $size = { param($folder) [math]::Round((Get-ChildItem $folder -Recurse -File | Measure-Object Length -Sum).Sum / 1MB, 0) }
    $medians = { param($runs, $folder) [ordered]@{
        firstStatusMs = [math]::Round((Get-Median @($runs.FirstStatusMs)), 0); jitMs = [math]::Round((Get-Median @($runs.JitMs)), 0)
        jitMethods = [int](Get-Median @($runs.JitMethods)); sizeMB = & $size $folder } }
    [ordered]@{
        runtime = $runtime; platform = $rid; assemblies = $compiled
        il = & $medians $il $moduleFolder; readyToRun = & $medians $precompiled $copy
    }
}

function Measure-StartupInProcess([string] $Module, [string] $Command, [hashtable] $Environment = @{}) {
    # Import-Module and the first call timed inside 3 fresh processes, each with the JIT's time and the methods it
    # compiled (System.Runtime.JitInfo); medians.
    $script = Join-Path $work "startup-$([guid]::NewGuid().ToString('n')).ps1"
    Set-Content $script @"
`$ErrorActionPreference = 'Stop'
function Get-Jit { [pscustomobject]@{ Ms = [System.Runtime.JitInfo]::GetCompilationTime(`$false).TotalMilliseconds; Methods = [System.Runtime.JitInfo]::GetCompiledMethodCount(`$false) } }
`$clock = [Diagnostics.Stopwatch]::StartNew(); `$j0 = Get-Jit
Import-Module '$Module'
`$importMs = `$clock.Elapsed.TotalMilliseconds; `$j1 = Get-Jit; `$clock.Restart()
`$null = $Command
`$callMs = `$clock.Elapsed.TotalMilliseconds; `$j2 = Get-Jit
@{ importMs = `$importMs; importJitMs = `$j1.Ms - `$j0.Ms; importMethods = `$j1.Methods - `$j0.Methods; callMs = `$callMs; callJitMs = `$j2.Ms - `$j1.Ms; callMethods = `$j2.Methods - `$j1.Methods } | ConvertTo-Json -Compress
"@
    $runs = foreach ($i in 1..3) { Invoke-PwshFile -Path $script -Environment $Environment }
    $medians = [ordered]@{}
    foreach ($name in 'importMs', 'importJitMs', 'importMethods', 'callMs', 'callJitMs', 'callMethods') { $medians[$name] = [math]::Round((Get-Median @($runs.$name)), 0) }
    $medians
}

# A partial run (-Scenario Throughput, Burst or Sweep) replaces its own results in an existing results.json and keeps the rest.
$resultsFile = Join-Path $OutFolder 'results.json'
$results = if ($Scenario -ne 'All' -and (Test-Path $resultsFile)) { Get-Content -Raw $resultsFile | ConvertFrom-Json -AsHashtable } else { [ordered]@{} }
$results.machine = [ordered]@{ cores = [Environment]::ProcessorCount; os = [Runtime.InteropServices.RuntimeInformation]::OSDescription; pwsh = "$($PSVersionTable.PSVersion)"; dotnet = [Environment]::Version.ToString() }
$results.date = [DateTime]::UtcNow.ToString('o')
if ($Scenario -in 'All', 'Throughput') {
    $results.events = $Events
    $results.throughput = @()
}


if ($Scenario -in 'All', 'Throughput') {
    $counted = [math]::Min($Events, 500)
    $latencyEvents = [math]::Min($Events, 1000)
    # Each throughput run starts on a running worker and a warm raw mover (New-WarmUpScript, JitSettling): at most this
    # many events first, untimed, on the warm-up Azurite.
    $warmUp = $WarmUpRounds * $WarmUpRoundSize
    # (the throughput runs, the calls, the latency run and its warm-up, the memory runs and theirs)
    $totalVms = ($Events + $warmUp) * $Concurrency.Count + $counted + $latencyEvents + $warmUp + 20 * $Events + $warmUp + 10

    Write-Step "Starting Azurite, the emulators ($totalVms VMs) and the counting storage proxy"
    $script:Azurite = Start-TestAzurite
    $azurite = $script:Azurite   # its connection string and URIs, which stay the same across Reset-Azurite
    # Warm-ups run on an Azurite of their own, so the measured one starts fresh.
    $script:WarmAzurite = Start-TestAzurite
    $rawWarm = @('--warm', "$warmUp", '--warm-round', "$WarmUpRoundSize", '--warm-threshold', "$WarmUpSettledBelow", '--warm-pause', "$WarmUpPauseMs", '--warm-connection', $script:WarmAzurite.ConnectionString)
    $emulators = Invoke-WithEnvironment @{ VMEVENTOPSTEST_LOAD_VMS = "$totalVms" } { Start-TestEmulators }
    $counting = Start-CountingProxy $azurite
    $proxy = $counting.Process
    $proxyUrls = $counting.Urls
    $proxiedConnection = $counting.Connection
    $armBase = $emulators.ArmEndpoint.TrimEnd('/')
    $identityBase = ([uri] $emulators.IdentityEndpoint).GetLeftPart('Authority')
    $idle = $null

    try {
        # ---- 1 + 2: raw limit and workflow throughput at each concurrency
        foreach ($c in $Concurrency) {
            Write-Step "Raw move limit, concurrency $c, $Events messages"
            $raw = Invoke-Tool raw-move --connection $azurite.ConnectionString --source "raw-$c" --target "raw-$c-to" --count $Events --concurrency $c @rawWarm
            Reset-Azurite; Reset-WarmAzurite
            Write-Step "Raw event limit (a new VM's storage calls, no engine), concurrency $c, $Events messages"
            $rawEvent = Invoke-Tool raw-event --connection $azurite.ConnectionString --source "rawe-$c" --target "rawe-$c-to" --table "rawe$c" --count $Events --concurrency $c @rawWarm
            Reset-Azurite; Reset-WarmAzurite
            Write-Step "Workflow, concurrency $c, $Events fresh VM events"
            $settings = New-WorkerSettings "tp-$c"
            $null = Add-Events $settings (Get-VmRange $Events) $Events
            $run = Invoke-Worker $settings $c -WarmUp
            if ($run.Succeeded -ne $Events) { throw "The workflow run at concurrency $c onboarded $($run.Succeeded) of $Events VMs." }
            Reset-Azurite
            $rate = $Events / $run.Seconds
            $results.throughput += [ordered]@{
                concurrency = $c; rawMovesPerSecond = [math]::Round($raw.rate, 1); workflowEventsPerSecond = [math]::Round($rate, 1)
                ratio = [math]::Round($rate / $raw.rate, 2)
                # What the workflow's own storage calls allow (insert, send beside update, delete) without ARM or the engine.
                rawEventsPerSecond = [math]::Round($rawEvent.rate, 1); ratioToRawEvent = [math]::Round($rate / $rawEvent.rate, 2); workflowSeconds = [math]::Round($run.Seconds, 1); peakWorkingSetMB = $run.PeakWorkingSetMB; retainedMB = $run.RetainedMB
                gcCommittedMB = $run.GcCommittedMB; threads = $run.Threads; jitMethods = $run.JitMethods
                cpuMsPerEvent = $run.CpuMsPerEvent; stageMsPerEvent = $run.StageMsPerEvent; stageMedianMs = $run.StageMedians
                # The untimed warm-ups, until the JIT had settled: the worker's events and the raw loops' messages.
                warmUpEvents = $run.WarmUpEvents; rawWarmUpMessages = $raw.warmUpMessages; rawEventWarmUpMessages = $rawEvent.warmUpMessages
            }
        }

        # ---- 3b, started now and collected after the memory scenario: an idle worker, in the background
        Write-Step "Idle: a worker on empty queues for $IdleSeconds s, through a counting proxy and an Azurite of its own, in the background"
        $idle = Start-IdleWorker

        # ---- 3: calls per event, storage behind the counting proxy
        Write-Step "Calls per event: $counted events through the counting proxy"
        $settings = New-WorkerSettings 'calls' -Connection $proxiedConnection
        $null = Add-Events $settings (Get-VmRange $counted) $counted
        $null = Invoke-RestMethod -Method Post "$($proxyUrls.queue)/_counts/reset"
        $before = Get-EmulatorCounts
        $run = Invoke-Worker $settings 8
        $after = Get-EmulatorCounts
        $storage = Invoke-RestMethod "$($proxyUrls.queue)/_counts"

        Reset-Azurite
        $armByRoute = [ordered]@{}
        foreach ($p in $after.Arm.PSObject.Properties) {
            if ($p.Name -eq 'jobs') { continue }
            $delta = $p.Value - [int] $before.Arm.($p.Name)
            if ($delta) { $armByRoute[$p.Name] = [math]::Round($delta / $run.Succeeded, 2) }
        }
        $storageOps = [ordered]@{}
        foreach ($p in $storage.PSObject.Properties) { $storageOps[$p.Name] = [math]::Round($p.Value / $counted, 2) }
        $queueOps = ($storage.PSObject.Properties | Where-Object Name -Like 'queue *' | Measure-Object Value -Sum).Sum
        $tableOps = ($storage.PSObject.Properties | Where-Object Name -Like 'table *' | Measure-Object Value -Sum).Sum
        $results.calls = [ordered]@{
            events = $counted; onboarded = $run.Succeeded
            armPerEvent = [math]::Round((($armByRoute.Values | Measure-Object -Sum).Sum), 2); armByOperation = $armByRoute
            tokenRequests = $after.Tokens - $before.Tokens; tokenResources = 1
            queueOpsPerEvent = [math]::Round($queueOps / $counted, 2); tableOpsPerEvent = [math]::Round($tableOps / $counted, 2); storageByOperation = $storageOps
        }

        # ---- 4: latency at half the measured rate (concurrency 8)
        $rate8 = ($results.throughput | Where-Object { $_.concurrency -eq 8 } | Select-Object -First 1).workflowEventsPerSecond
        if (-not $rate8) { $rate8 = ($results.throughput | Select-Object -Last 1).workflowEventsPerSecond }
        $pace = [math]::Round($rate8 / 2, 1)
        Write-Step "Latency: $latencyEvents events at $pace events/s while a worker (concurrency 8) runs"
        $settings = New-WorkerSettings 'latency'
        $sentFile = Join-Path $work 'sent.jsonl'
        $doneFile = Join-Path $work 'done.tsv'
        # The main queue exists before the worker starts polling it.
        $null = Add-Events $settings (Get-VmRange 1) 1
        $first = Get-VmRange $latencyEvents
        $seeder = Start-Process dotnet -ArgumentList @($Tool, 'seed', '--connection', $azurite.ConnectionString, '--queue', $settings.VMEVENTOPS_QUEUENAME, '--first', "$first", '--count', "$latencyEvents", '--rate', "$pace", '--sent', $sentFile, '--after-empty', '120') -PassThru -NoNewWindow -RedirectStandardOutput (Join-Path $work 'seed.out')
        # Warmed up first as the throughput runs are: latency on a running worker is a warm one.
        $run = Invoke-Worker $settings 8 -StopAfter ($latencyEvents + 1) -CompletionsFile $doneFile -MaxSeconds ([int]($latencyEvents / $pace) + 120) -WarmUp
        $seeder.WaitForExit()
        Reset-Azurite
        $sent = @{}
        foreach ($line in Get-Content $sentFile) { $s = $line | ConvertFrom-Json; $sent[$s.vm] = ([DateTimeOffset] $s.sentAt).ToUnixTimeMilliseconds() }
        # Where the time goes: processing (the message's own span, receipt to routing) and the rest (in the queue until a
        # poll found it, in the worker's batch until a slot was free).
        # Measured on a running worker, as a warm Functions instance runs: the worker first works through the warm-up
        # rounds (-WarmUp), and the seeder starts once it has taken the first event of the measured queue (--after-empty),
        # so no event waits for the process to start (that is scenario 5's) or for the JIT's first tiers.
        $latencies = [Collections.Generic.List[double]]::new(); $processing = [Collections.Generic.List[double]]::new(); $waiting = [Collections.Generic.List[double]]::new()
        foreach ($line in Get-Content $doneFile) {
            $vm, $at, $elapsed = $line -split "`t"
            if (-not $sent.ContainsKey($vm)) { continue }
            $latency = [double] $at - $sent[$vm]
            $latencies.Add($latency); $processing.Add([double] $elapsed); $waiting.Add([math]::Max(0, $latency - [double] $elapsed))
        }
        $results.latency = [ordered]@{
            events = $latencies.Count; paceEventsPerSecond = $pace; warmUpEvents = $run.WarmUpEvents
            p50Ms = Get-Percentile $latencies 50; p95Ms = Get-Percentile $latencies 95; p99Ms = Get-Percentile $latencies 99; maxMs = ($latencies | Measure-Object -Maximum).Maximum
            processingP50Ms = Get-Percentile $processing 50; processingP99Ms = Get-Percentile $processing 99
            waitingP50Ms = Get-Percentile $waiting 50; waitingP99Ms = Get-Percentile $waiting 99
        }

        # ---- 5: start-up
        Write-Step 'Start-up: 5 bare pwsh starts, 5 with Import-Module plus a first call, and the floor module; the same on a precompiled copy of this PowerShell; the engine on .NET 8, IL and precompiled'
        $floorModule = Build-StartupFloor
        $startCommands = @{
            Queue         = "Import-Module '$ModulePath'; `$null = Get-VmEventQueueStatus"
            Configuration = "Import-Module '$ModulePath'; `$null = Get-VmEventConfiguration"
            Floor         = "Import-Module '$floorModule'; `$null = Get-StartupFloor"
        }
        $starts = Measure-PwshStarts $pwshDll $startCommands
        $bareMedian = $starts.Bare; $moduleMedian = $starts.Queue; $configurationMedian = $starts.Configuration; $floorMedian = $starts.Floor
        # The same on this PowerShell precompiled as its release packages are: the host a Function app or a runbook runs in.
        $precompiled = Invoke-WithEnvironment @{ VMEVENTOPS_STORAGECONNECTIONSTRING = $azurite.ConnectionString } {
            New-PrecompiledPwsh $startCommands.Queue, $startCommands.Floor
        }
        $precompiledStarts = Measure-PwshStarts $precompiled.Pwsh $startCommands
        $results.startup = [ordered]@{
            bareMedianMs = [math]::Round($bareMedian, 0); moduleMedianMs = [math]::Round($moduleMedian, 0)
            overheadMs = [math]::Round($moduleMedian - $bareMedian, 0); firstCall = 'Get-VmEventQueueStatus (Azurite)'
            configurationMedianMs = [math]::Round($configurationMedian, 0); configurationOverheadMs = [math]::Round($configurationMedian - $bareMedian, 0)
            floorMedianMs = [math]::Round($floorMedian, 0); floorOverheadMs = [math]::Round($floorMedian - $bareMedian, 0)
            # Both over the same bare start: the floor's median is the baseline.
            overFloorMs = [math]::Round($moduleMedian - $floorMedian, 0)
            configurationOverFloorMs = [math]::Round($configurationMedian - $floorMedian, 0)
            # Whether this PowerShell's own code is precompiled: when it is not, every code path an import takes the first
            # time is compiled by the JIT, in any module's import.
            powerShellPrecompiled = Test-ReadyToRun (Join-Path $PSHOME 'System.Management.Automation.dll')
            precompiled = [ordered]@{
                crossgen2 = $precompiled.Crossgen2; assemblies = $precompiled.Compiled
                bareMedianMs = [math]::Round($precompiledStarts.Bare, 0)
                moduleMedianMs = [math]::Round($precompiledStarts.Queue, 0); overheadMs = [math]::Round($precompiledStarts.Queue - $precompiledStarts.Bare, 0)
                configurationMedianMs = [math]::Round($precompiledStarts.Configuration, 0); configurationOverheadMs = [math]::Round($precompiledStarts.Configuration - $precompiledStarts.Bare, 0)
                floorMedianMs = [math]::Round($precompiledStarts.Floor, 0); floorOverheadMs = [math]::Round($precompiledStarts.Floor - $precompiledStarts.Bare, 0)
            }
            # On .NET 8 (PowerShell 7.4's runtime): the engine's first queue status, the module as it ships and precompiled.
            net8 = Measure-Net8Startup $azurite.ConnectionString
            # Timed inside the process: the import and the first call, each with the JIT's time and the methods it compiled.
            inProcess = [ordered]@{
                floor         = Measure-StartupInProcess $floorModule 'Get-StartupFloor'
                configuration = Measure-StartupInProcess $ModulePath 'Get-VmEventConfiguration' @{ VMEVENTOPS_STORAGECONNECTIONSTRING = $azurite.ConnectionString }
                queue         = Measure-StartupInProcess $ModulePath 'Get-VmEventQueueStatus' @{ VMEVENTOPS_STORAGECONNECTIONSTRING = $azurite.ConnectionString }
            }
        }

        # ---- 6: memory after N and after 10 x N events of one running worker (the same process, the same pipeline)
        Write-Step "Memory: $(10 * $Events) events at concurrency 8 on a worker warmed up until the JIT settled, the process marked after $Events"
        # Fed at half the measured rate while the worker runs, as a steady stream of new VMs: Azurite slows down badly
        # with thousands of messages waiting in a queue, and the worker's memory, not Azurite's backlog, is what is measured.
        $feed = [math]::Round($rate8 / 2, 1)
        function Measure-WorkerMemory([string] $Name, [hashtable] $Runtime = @{}, [switch] $WarmUp) {
            $settings = (New-WorkerSettings $Name) + $Runtime
            $null = Add-Events $settings (Get-VmRange 1) 1
            $bigFirst = Get-VmRange (10 * $Events)
            $feeder = Start-Process dotnet -ArgumentList @($Tool, 'seed', '--connection', $azurite.ConnectionString, '--queue', $settings.VMEVENTOPS_QUEUENAME, '--first', "$bigFirst", '--count', "$(10 * $Events)", '--rate', "$feed") -PassThru -NoNewWindow -RedirectStandardOutput (Join-Path $work "feed-$Name.out")
            $run = Invoke-Worker $settings 8 -StopAfter (10 * $Events + 1) -CompletionsFile (Join-Path $work "done-$Name.tsv") -MaxSeconds ([int](10 * $Events / $feed) + 300) -MarkAt ($Events + 1), (5 * $Events + 1) -WarmUp:$WarmUp
            $feeder.WaitForExit()
            $run
        }
        # A worker warmed up until the JIT settled (-WarmUp, as the throughput runs): from a cold worker the growth is
        # mostly the JIT's tiers, compiled once per hot method; from a warm one, what is left grows with the events.
        $run = Measure-WorkerMemory 'mem-10n-warm' -WarmUp
        $atN = $run.Marks."$($Events + 1)"
        $at5N = $run.Marks."$(5 * $Events + 1)"
        function Get-MemoryFigures($Run) {
            $first = $Run.Marks."$($Events + 1)"
            [ordered]@{
                peakAtNMB = $first.PeakWorkingSetMB; peakAt5NMB = $Run.Marks."$(5 * $Events + 1)".PeakWorkingSetMB; peakAt10NMB = $Run.PeakWorkingSetMB
                ratio = [math]::Round($Run.PeakWorkingSetMB / $first.PeakWorkingSetMB, 2)
                jitMethodsAtN = $first.JitMethods; jitMethodsAt10N = $Run.JitMethods; retainedAt10NMB = $Run.RetainedMB
                processedAt10N = $Run.Processed; cpuMsPerEvent = $Run.CpuMsPerEvent
            }
        }
        # -ColdMemory: the same from a cold worker (the JIT's tiers included); -MemoryWithoutPgo: cold, with the runtime's
        # dynamic PGO off (DOTNET_TieredPGO=0, a documented runtime setting): most of the cold growth is PGO's tiers.
        $cold = $null; $noPgo = $null
        if ($ColdMemory) {
            Write-Step "Memory: the same $(10 * $Events) events on a cold worker"
            Reset-Azurite
            $cold = Get-MemoryFigures (Measure-WorkerMemory 'mem-10n-cold')
        }
        if ($MemoryWithoutPgo) {
            Write-Step "Memory: the same $(10 * $Events) events on a cold worker with DOTNET_TieredPGO=0"
            Reset-Azurite
            $noPgo = Get-MemoryFigures (Measure-WorkerMemory 'mem-10n-nopgo' @{ DOTNET_TieredPGO = '0' })
        }
        $results.memory = [ordered]@{
            eventsN = $Events; warmUpEvents = $run.WarmUpEvents; warmUpRounds = $run.WarmUpRounds
            peakAtNMB = $atN.PeakWorkingSetMB; peakAt10NMB = $run.PeakWorkingSetMB
            ratio = [math]::Round($run.PeakWorkingSetMB / $atN.PeakWorkingSetMB, 2); fedAtEventsPerSecond = $feed; processedAt10N = $run.Processed
            # After the whole run, once the garbage is collected: flat with N unless something keeps per event (the
            # concurrency-8 throughput run of N events, or the first one, is the comparison).
            retainedAtNMB = @(@($results.throughput | Where-Object { $_.concurrency -eq 8 }) + @($results.throughput))[0].retainedMB; retainedAt10NMB = $run.RetainedMB
            gcCommittedAtNMB = $atN.GcCommittedMB; gcCommittedAt10NMB = $run.GcCommittedMB; threadsAtN = $atN.Threads; threadsAt10N = $run.Threads
            jitMethodsAtN = $atN.JitMethods; jitMethodsAt10N = $run.JitMethods
            # Half way: whether what grows levels off (code compiled once per method) or keeps growing (per event).
            peakAt5NMB = $at5N.PeakWorkingSetMB; jitMethodsAt5N = $at5N.JitMethods; gcCommittedAt5NMB = $at5N.GcCommittedMB
            cold = $cold
            withoutPgo = $noPgo
            cpuMsPerEvent = $run.CpuMsPerEvent
        }

        # ---- 3b, collected: the idle worker's storage transactions, per minute
        try { $idleOps = Stop-IdleWorker $idle } finally { $idle = $null }
        $results.idle = [ordered]@{ seconds = $IdleSeconds; storageOps = $idleOps; perMinute = [math]::Round($idleOps / ($IdleSeconds / 60), 1) }
    }
    finally {
        if ($idle) { Remove-IdleWorker $idle }
        Stop-CountingProxy $counting
        Stop-TestEmulators $emulators
        Stop-TestAzurite $script:Azurite
        if ($script:WarmAzurite) { Stop-TestAzurite $script:WarmAzurite }
    }

    # ---- the engine's hot paths (BenchmarkDotNet, in process, short job)
    if (-not $SkipMicro) {
        Write-Step 'BenchmarkDotNet: the engine hot paths'
        $artifacts = Join-Path $OutFolder 'micro'
        & dotnet $Tool micro --filter '*EngineBenchmarks*' '*TelemetryBenchmarks*' '*RuleBenchmarks*' --job short --inProcess --exporters json --join --artifacts $artifacts | Out-Host
        if ($LASTEXITCODE -ne 0) { throw 'BenchmarkDotNet failed.' }
        $report = Get-ChildItem (Join-Path $artifacts 'results') -Filter '*-report-full*.json' | Select-Object -First 1 | Get-Content -Raw | ConvertFrom-Json
        $results.micro = @(foreach ($b in $report.Benchmarks) {
                [ordered]@{ method = if ($b.Parameters) { "$($b.Method) ($($b.Parameters))" } else { $b.Method }; meanMicroseconds = [math]::Round($b.Statistics.Mean / 1000, 2); allocatedBytes = $b.Memory.BytesAllocatedPerOperation }
            })
    }

}

# ---- 7: a burst within Automation's job quota
function Get-JobsPerWindow([long[]] $Times, [long] $From, [double] $WindowSeconds) {
    # Jobs created in each quota window after $From: how evenly the quota was used.
    $counts = @{}
    foreach ($t in $Times) { $w = [int][math]::Floor(($t - $From) / 1000 / $WindowSeconds); $counts[$w] = 1 + [int] $counts[$w] }
    foreach ($w in 0..([int](($counts.Keys | Measure-Object -Maximum).Maximum))) { [int] $counts[$w] }
}

if ($Scenario -in 'All', 'Burst') {
    $perWindow, $windowSeconds = $Quota -split '/'
    $floor = $BurstEvents / [int] $perWindow * [double] $windowSeconds
    Write-Step "Burst: $BurstEvents VM events at once, $Workers worker processes, quota $perWindow jobs per $windowSeconds s (floor $floor s)"
    $script:Azurite = Start-TestAzurite
    $azurite = $script:Azurite
    $emulators = Invoke-WithEnvironment @{ VMEVENTOPSTEST_LOAD_VMS = "$BurstEvents"; VMEVENTOPSTEST_JOB_QUOTA = $Quota } { Start-TestEmulators }
    $armBase = $emulators.ArmEndpoint.TrimEnd('/')
    try {
        # Each worker paces itself to the whole quota, as each Functions instance does: together they exceed it and adapt.
        $settings = New-WorkerSettings 'burst'
        $settings.VMEVENTOPS_AUTOMATIONJOBSPERWINDOW = "$perWindow"
        $settings.VMEVENTOPS_AUTOMATIONJOBWINDOW = "$windowSeconds"
        $null = Add-Events $settings 1 $BurstEvents
        $script = Join-Path $work 'burst-worker.ps1'
        Set-Content $script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$s = [ordered]@{ processed = 0; succeeded = 0; deferred = 0; readyAt = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds(); lastSucceededAt = 0; maxAttempt = 0; maxDequeueCount = 0; outcomes = @{} }
Start-VmEventWorker -Concurrency 8 -BatchSize 16 -IncludeRetry -UntilEmpty | Where-Object { `$_.PSObject.TypeNames[0] -like '*VmEventResult' } | ForEach-Object {
    `$s.processed++
    `$s.outcomes["`$(`$_.Outcome)"] = 1 + [int] `$s.outcomes["`$(`$_.Outcome)"]
    if ("`$(`$_.Outcome)" -eq 'Succeeded') { `$s.succeeded++; `$s.lastSucceededAt = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() }
    if (`$_.Reason -eq 'Throttled') { `$s.deferred++ }
    `$s.maxAttempt = [math]::Max(`$s.maxAttempt, `$_.Attempt)
    `$s.maxDequeueCount = [math]::Max(`$s.maxDequeueCount, `$_.DequeueCount)
}
[pscustomobject] `$s | ConvertTo-Json -Compress
"@
        $launched = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
        $processes = Invoke-WithEnvironment $settings {
            foreach ($i in 1..$Workers) {
                Start-Process dotnet -ArgumentList @($pwshDll, '-NoProfile', '-NonInteractive', '-File', $script) -PassThru -NoNewWindow `
                    -RedirectStandardOutput (Join-Path $work "burst-$i.out") -RedirectStandardError (Join-Path $work "burst-$i.err")
            }
        }
        foreach ($p in $processes) { $p.WaitForExit() }
        $runs = foreach ($i in 1..$Workers) {
            $line = @(Get-Content (Join-Path $work "burst-$i.out") | Where-Object { $_.Trim() })[-1]
            if (-not $line -or $processes[$i - 1].ExitCode -ne 0) { throw "Burst worker $i failed: $(Get-Content -Raw (Join-Path $work "burst-$i.err"))" }
            $line | ConvertFrom-Json
        }
        $calls = Invoke-RestMethod "$armBase/_emulator/calls" -SkipCertificateCheck
        $jobTimes = @((Invoke-RestMethod "$armBase/_emulator/job-times" -SkipCertificateCheck) | ForEach-Object { [long] $_ })
        $queues = Invoke-FreshPwsh -Environment $settings -Script "Import-Module '$ModulePath'; Get-VmEventQueueStatus | ForEach-Object { [pscustomobject]@{ Queue = `"`$(`$_.Queue)`"; Count = `$_.ApproximateCount } }"
        $count = @{}
        foreach ($q in $queues) { $count[$q.Queue] = [int] $q.Count }
        # From the moment the first worker had its module loaded (process start-up is not burst handling: Functions
        # instances are warm) to the last VM onboarded.
        $ready = ($runs.readyAt | Measure-Object -Minimum).Minimum
        $completion = (($runs.lastSucceededAt | Measure-Object -Maximum).Maximum - $ready) / 1000
        $results.burst = [ordered]@{
            events = $BurstEvents; workers = $Workers; quota = "$perWindow per $windowSeconds s"
            completionSeconds = [math]::Round($completion, 1); floorSeconds = [math]::Round($floor, 1); ratio = [math]::Round($completion / $floor, 2)
            jobsCreated = $calls.jobs; jobPuts = $calls.'job-put'; throttled429 = [int] $calls.'job-throttled'
            poisoned = $count['Poison']; lost = $BurstEvents - $count['Succeeded']; leftInQueues = $count['Main'] + $count['Retry']
            onboarded = [int] ($runs.succeeded | Measure-Object -Sum).Sum; deferrals = [int] ($runs.deferred | Measure-Object -Sum).Sum
            maxAttempt = [int] ($runs.maxAttempt | Measure-Object -Maximum).Maximum; maxDequeueCount = [int] ($runs.maxDequeueCount | Measure-Object -Maximum).Maximum
            startupSeconds = [math]::Round(($ready - $launched) / 1000, 1)
            firstJobSeconds = [math]::Round(($jobTimes[0] - $ready) / 1000, 1); lastJobSeconds = [math]::Round(($jobTimes[-1] - $ready) / 1000, 1)
            jobsPerWindow = @(Get-JobsPerWindow $jobTimes $ready ([double] $windowSeconds))
            perWorker = @($runs.processed)
        }
        if ($calls.jobs -ne $BurstEvents) { Write-Warning "The burst created $($calls.jobs) jobs for $BurstEvents VMs." }
    }
    finally {
        Stop-TestEmulators $emulators
        Stop-TestAzurite $script:Azurite
    }
}

# ---- 8: the sweep of a large subscription
function Invoke-Sweep([hashtable] $Settings, [string] $Arguments) {
    # Sync-VmOnboarding in a pwsh of its own: its summary and the process's peak working set.
    $script = Join-Path $work "sweep-$([guid]::NewGuid().ToString('n')).ps1"
    Set-Content $script @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$ModulePath'
`$null = Get-VmEventQueueStatus   # the module and storage warm, as in a running host: the sweep is what is measured
`$clock = [Diagnostics.Stopwatch]::StartNew()
`$summary = Sync-VmOnboarding $Arguments -SkipDeadLetters 6>`$null | Where-Object { `$_.PSObject.TypeNames[0] -like '*VmReconcileSummary' }
`$clock.Stop()
[pscustomobject]@{
    Seconds = [math]::Round(`$clock.Elapsed.TotalSeconds, 1); Vms = `$summary.Vms; Queued = `$summary.Queued; Pages = `$summary.ArmPages; Complete = `$summary.Complete
    PeakWorkingSetMB = [math]::Round([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB, 1)
    # What the sweep left behind once the garbage is collected: streaming keeps nothing per VM but what the output kept.
    RetainedMB = [math]::Round([GC]::GetTotalMemory(`$true) / 1MB, 1)
    PeakManagedMB = [math]::Round(([GC]::GetGCMemoryInfo([GCKind]::Any).HeapSizeBytes) / 1MB, 1)
} | ConvertTo-Json -Compress
"@
    Invoke-PwshFile -Path $script -Environment $Settings
}

function Get-ListCalls([string] $ArmBase) {
    # VM list pages and Resource Graph queries the ARM emulator answered so far (a route not called yet is absent).
    $calls = Invoke-RestMethod "$ArmBase/_emulator/calls" -SkipCertificateCheck
    $total = 0
    foreach ($route in 'vm-list', 'graph') { if ($calls.PSObject.Properties[$route]) { $total += [int] $calls.$route } }
    $total
}

if ($Scenario -in 'All', 'Sweep') {
    $small = [math]::Max(1, [int] ($SweepVms / 10))
    Write-Step "Sweep: a subscription of $SweepVms VMs (and of $small for the memory comparison)"
    $runs = [ordered]@{}
    foreach ($size in $small, $SweepVms) {
        $script:Azurite = Start-TestAzurite
        $azurite = $script:Azurite
        $emulators = Invoke-WithEnvironment @{ VMEVENTOPSTEST_LOAD_VMS = "$size" } { Start-TestEmulators }
        $armBase = $emulators.ArmEndpoint.TrimEnd('/')
        try {
            $settings = New-WorkerSettings "sweep$size"
            $settings.VMEVENTOPS_ALLOWEDSCOPES = '/subscriptions/11111111-2222-3333-4444-555555555555'
            $kinds = if ($size -eq $SweepVms) { 'whatIf', 'graph', 'queued' } else { , 'whatIf' }
            foreach ($kind in $kinds) {
                $before = Get-ListCalls $armBase
                $arguments = switch ($kind) { 'whatIf' { '-WhatIf' } 'graph' { '-WhatIf -Source ResourceGraph' } 'queued' { '' } }
                $run = Invoke-Sweep $settings $arguments
                $run | Add-Member -NotePropertyName ArmCalls -NotePropertyValue ((Get-ListCalls $armBase) - $before)
                $runs["$kind$size"] = $run
                Write-Step "  $kind, $($run.Vms) VMs: $($run.Seconds) s, $($run.ArmCalls) ARM calls, peak $($run.PeakWorkingSetMB) MB, retained $($run.RetainedMB) MB"
            }
        }
        finally {
            Stop-TestEmulators $emulators
            Stop-TestAzurite $script:Azurite
        }
    }
    $big = $runs["whatIf$SweepVms"]; $little = $runs["whatIf$small"]; $sent = $runs["queued$SweepVms"]; $graph = $runs["graph$SweepVms"]
    $results.sweep = [ordered]@{
        vms = $big.Vms; pageSize = 100
        whatIfSeconds = $big.Seconds; whatIfArmCalls = $big.ArmCalls; whatIfPeakMB = $big.PeakWorkingSetMB
        queuedSeconds = $sent.Seconds; queued = $sent.Queued; queuedArmCalls = $sent.ArmCalls; queuedPeakMB = $sent.PeakWorkingSetMB
        graphSeconds = $graph.Seconds; graphArmCalls = $graph.ArmCalls; graphPeakMB = $graph.PeakWorkingSetMB
        smallVms = $little.Vms; smallPeakMB = $little.PeakWorkingSetMB; memoryRatio = [math]::Round($big.PeakWorkingSetMB / $little.PeakWorkingSetMB, 2)
        whatIfRetainedMB = $big.RetainedMB; smallRetainedMB = $little.RetainedMB; queuedRetainedMB = $sent.RetainedMB
        complete = [bool] ($big.Complete -and $sent.Complete -and $graph.Complete)
    }
}

$results | ConvertTo-Json -Depth 6 | Set-Content $resultsFile

# ---- the table
$lines = [Collections.Generic.List[string]]::new()
$lines.Add("| Measure | Result | Target |")
$lines.Add("| --- | --- | --- |")
foreach ($t in @($results['throughput'])) {
    if ($t) { $lines.Add("| Throughput, concurrency $($t.concurrency) | $($t.workflowEventsPerSecond) events/s vs raw move $($t.rawMovesPerSecond)/s: **$($t.ratio)x** | >= 0.6x |") }
    if ($t -and $null -ne $t.rawEventsPerSecond) { $lines.Add("| Of the raw event limit (its storage calls alone), concurrency $($t.concurrency) | $($t.workflowEventsPerSecond) vs $($t.rawEventsPerSecond)/s: **$($t.ratioToRawEvent)x** | - |") }
    if ($t -and $t.concurrency -eq 1 -and $null -ne $t.stageMsPerEvent) { $lines.Add("| Critical path of one event (concurrency 1): its stages / the worker's CPU | $($t.stageMsPerEvent) ms / $($t.cpuMsPerEvent) ms CPU per event | |") }
}
$warmed = @(@($results['throughput']) | Where-Object { $_ -and $null -ne $_['warmUpEvents'] })
if ($warmed) {
    $lines.Add("| Warm-up before each run, untimed, on its own Azurite until the JIT settled: worker events / raw move / raw event messages, concurrency $(($warmed | ForEach-Object { $_.concurrency }) -join ' / ') | $(($warmed | ForEach-Object { "$($_.warmUpEvents) / $($_.rawWarmUpMessages) / $($_.rawEventWarmUpMessages)" }) -join '; ') | - |")
}
if ($i = $results['idle']) { $lines.Add("| Idle worker: storage transactions per minute | $($i.perMinute) ($($i.storageOps) in $($i.seconds) s, start-up included) | no more than before |") }
if ($c = $results['calls']) {
    $lines.Add("| ARM calls per VM | **$($c.armPerEvent)** ($(($c.armByOperation.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) -join ', ')) | 3 |")
    $lines.Add("| Token requests per run | **$($c.tokenRequests)** for $($c.tokenResources) resource (ARM; storage by connection string here) | 1 per resource |")
    $lines.Add("| Storage operations per event | queue **$($c.queueOpsPerEvent)**, table **$($c.tableOpsPerEvent)** | table 2 per new VM |")
}
if ($l = $results['latency']) {
    $warmedLatency = if ($null -ne $l['warmUpEvents']) { " (warmed up until the JIT settled: $($l.warmUpEvents) events)" } else { '' }
    $lines.Add("| Latency, enqueue to outcome, at $($l.paceEventsPerSecond) events/s on a running worker$warmedLatency | p50 **$($l.p50Ms) ms**, p95 **$($l.p95Ms) ms**, p99 **$($l.p99Ms) ms** | p50 <= 100 ms, p99 <= 500 ms |")
    if ($null -ne $l['processingP50Ms']) { $lines.Add("| Of it, processing (the message's span) / waiting (queue, poll, batch) | p50 **$($l.processingP50Ms) / $($l.waitingP50Ms) ms**, p99 **$($l.processingP99Ms) / $($l.waitingP99Ms) ms** | - |") }
}
if ($s = $results['startup']) {
    $lines.Add("| Start-up: Import-Module + first call (Get-VmEventQueueStatus) over bare pwsh | **$($s.overheadMs) ms** ($($s.moduleMedianMs) vs $($s.bareMedianMs) ms, medians of 5) | <= 150 ms |")
    if ($null -ne $s['configurationOverheadMs']) { $lines.Add("| Start-up: Import-Module + Get-VmEventConfiguration (a storage connection string set) over bare pwsh | **$($s.configurationOverheadMs) ms** ($($s.configurationMedianMs) vs $($s.bareMedianMs) ms, medians of 5) | <= 150 ms |") }
    if ($null -ne $s['floorOverheadMs']) {
        $precompiled = if ($s.powerShellPrecompiled) { 'precompiled' } else { 'not precompiled (IL only)' }
        $lines.Add("| Start-up floor: a one-cmdlet binary module, Import-Module + its cmdlet, over bare pwsh | **$($s.floorOverheadMs) ms** ($($s.floorMedianMs) vs $($s.bareMedianMs) ms, medians of 5); this PowerShell's own code is $precompiled | - |")
        $lines.Add("| Start-up over the floor: queue cmdlet / configuration | **$($s.overFloorMs) / $($s.configurationOverFloorMs) ms** | - |")
        if ($r = $s['precompiled']) {
            $lines.Add("| Start-up on this PowerShell precompiled as its release packages ship (crossgen2 $($r.crossgen2), the $(@($r.assemblies).Count) of its assemblies these commands load; the module as it ships, IL): Import-Module + Get-VmEventQueueStatus / + Get-VmEventConfiguration / the floor, over bare pwsh | **$($r.overheadMs) / $($r.configurationOverheadMs) ms** / $($r.floorOverheadMs) ms (bare $($r.bareMedianMs) ms, medians of 5) | <= 150 ms |")
        }
        if ($n = $s['net8']) {
            $lines.Add("| Start-up on .NET $($n.runtime) (PowerShell 7.4's runtime; a .NET 8 process, no PowerShell): the engine's first queue status, the module as it ships (IL) / its $($n.assemblies) assemblies compiled by crossgen2 $($n.runtime) for $($n.platform) (not shipped) | **$($n.il.firstStatusMs) / $($n.readyToRun.firstStatusMs) ms** (JIT $($n.il.jitMs) / $($n.readyToRun.jitMs) ms, $($n.il.jitMethods) / $($n.readyToRun.jitMethods) methods; module $($n.il.sizeMB) / $($n.readyToRun.sizeMB) MB), medians of 5 | - |")
        }
        $f = $s.inProcess.floor; $c = $s.inProcess.configuration; $q = $s.inProcess.queue
        $lines.Add("| Start-up inside the process, ms (JIT ms, methods compiled), medians of 3: import; first call | floor $($f.importMs) ($($f.importJitMs), $($f.importMethods)); $($f.callMs) ($($f.callJitMs), $($f.callMethods)). Configuration $($c.importMs) ($($c.importJitMs), $($c.importMethods)); $($c.callMs) ($($c.callJitMs), $($c.callMethods)). Queue $($q.importMs) ($($q.importJitMs), $($q.importMethods)); $($q.callMs) ($($q.callJitMs), $($q.callMethods)) | - |")
    }
}
if ($m = $results['memory']) {
    $kept = if ($null -ne $m['retainedAt10NMB']) { "; managed heap kept after the run: $($m.retainedAtNMB) vs $($m.retainedAt10NMB) MB" } else { '' }
    $warmed = if ($null -ne $m['warmUpEvents']) { ", a worker warmed up until the JIT settled ($($m.warmUpEvents) events)" } else { '' }
    $lines.Add("| Peak working set, $($m.eventsN) vs $(10 * $m.eventsN) events$warmed | $($m.peakAtNMB) MB vs $($m.peakAt10NMB) MB: **$($m.ratio)x**$kept | <= 1.1x |")
    if ($null -ne $m['gcCommittedAt10NMB']) { $lines.Add("| Of it, after N / 5 N / 10 N: peak working set / GC committed / JIT-compiled methods; threads after N / 10 N | $($m.peakAtNMB) / $($m.peakAt5NMB) / $($m.peakAt10NMB) MB; $($m.gcCommittedAtNMB) / $($m.gcCommittedAt5NMB) / $($m.gcCommittedAt10NMB) MB; $($m.jitMethodsAtN) / $($m.jitMethodsAt5N) / $($m.jitMethodsAt10N); $($m.threadsAtN) / $($m.threadsAt10N) | - |") }
    if ($v = $m['cold']) { $lines.Add("| The same from a cold worker (the JIT's tiers included) | $($v.peakAtNMB) MB vs $($v.peakAt10NMB) MB: **$($v.ratio)x** (5 N: $($v.peakAt5NMB) MB); JIT-compiled methods $($v.jitMethodsAtN) / $($v.jitMethodsAt10N); CPU per event $($v.cpuMsPerEvent) ms | - |") }
    if ($w = $m['withoutPgo']) { $lines.Add("| The same from a cold worker with the runtime's dynamic PGO off (DOTNET_TieredPGO=0) | $($w.peakAtNMB) MB vs $($w.peakAt10NMB) MB: **$($w.ratio)x**; JIT-compiled methods $($w.jitMethodsAtN) / $($w.jitMethodsAt10N); CPU per event $($w.cpuMsPerEvent) ms | - |") }
}
if ($u = $results['burst']) {
    $lines.Add("| Burst: $($u.events) VMs at once, $($u.workers) workers, quota $($u.quota) | **$($u.completionSeconds) s** vs floor $($u.floorSeconds) s: **$($u.ratio)x**; jobs **$($u.jobsCreated)**, 429s $($u.throttled429), deferred $($u.deferrals), poisoned **$($u.poisoned)**, lost **$($u.lost)**, highest attempt **$($u.maxAttempt)**, highest dequeue count $($u.maxDequeueCount) | <= 1.15x; 0 poisoned, lost, duplicate; attempt 1 |")
}
if ($w = $results['sweep']) {
    $lines.Add("| Sweep of a $($w.vms)-VM subscription (ARM lists, $($w.pageSize) a page) | -WhatIf **$($w.whatIfSeconds) s**, **$($w.whatIfArmCalls)** ARM calls; queuing all $($w.queued): **$($w.queuedSeconds) s**; Resource Graph: **$($w.graphArmCalls)** calls, $($w.graphSeconds) s | - |")
    $lines.Add("| Sweep's peak working set, $($w.smallVms) vs $($w.vms) VMs | $($w.smallPeakMB) MB vs $($w.whatIfPeakMB) MB: **$($w.memoryRatio)x** (queuing all: $($w.queuedPeakMB) MB); managed heap kept after it: $($w.smallRetainedMB) vs $($w.whatIfRetainedMB) MB | flat |")
}
foreach ($b in @($results['micro'])) {
    if ($b) { $lines.Add("| $($b.method) | **$($b.meanMicroseconds) µs**, **$($b.allocatedBytes) B** allocated | $(if ($b.method -like 'ParseAndFilter*') { '<= 20 µs, <= 8 KiB' } elseif ($b.method -like 'OneMessage*') { 'telemetry per message' } elseif ($b.method -like 'MatchAndRunChecks*') { 'rule + checks per event' } else { '-' }) |") }
}
$table = $lines -join "`n"
Set-Content (Join-Path $OutFolder 'results.md') $table
Write-Host ''
Write-Host $table
Write-Host ''
Write-Host "Written to $(Join-Path $OutFolder 'results.json')"
