#Requires -Version 7.4
<#
.SYNOPSIS
    Builds and tests VmEventOps: the one entry point for people and CI.

.DESCRIPTION
    Build  Release build of the module into out/VmEventOps: the manifest, the cmdlet assembly, the engine's
           publish output in Dependencies/ (its own load context), format views, about_ help and MAML help
           generated from the cmdlets' doc comments; from the same help model the markdown reference (and the
           configuration reference from the settings catalog) in out/docs/reference.
    Test   Build and Package, PostgreSQL and MariaDB, Debian's chromium and chromium-driver (the dashboard's browser tests),
           then the xunit projects and the Pester suite against the built module folder. Prints each
           runner's summary and, as the very last line, "N passed, N failed" (", N skipped" when any).
           Exits non-zero on any failure.
    Demo   The main job: builds the module, starts Azurite and the ARM + identity emulators on loopback, and runs the
           whole workflow with the real cmdlets (new VMs, a duplicate, an update, a forged event, a database that comes up
           late, a malformed message), prints the outcomes and queue counts, checks the dashboard over the same data and
           prints its URL, and stops everything it started; -Dashboard keeps the dashboard open until Ctrl+C.
    Package
           Build, then what is deployed: out/package/functionapp (deploy/functionapp with the module in its Modules folder)
           and its zip for zip deploy, and the module published with Publish-PSResource to a local file repository
           (out/package/repository), proven by Install-PSResource from there into a temporary home and an Import-Module.
    Bench  The benchmark: throughput as a ratio to the raw queue-move limit at each -Concurrency, Azure calls per event,
           latency, start-up and memory over -Events fresh VM events against Azurite and the emulators, and BenchmarkDotNet
           for the engine's hot paths; and a burst: -Events (1000 with -Scenario Burst) VMs created at once, onboarded by
           -Workers worker processes within a scaled Automation job quota; and a sweep (Sync-VmOnboarding) of a 10,000-VM
           subscription (-Events with -Scenario Sweep): ARM calls, time, peak memory. -Scenario Throughput, Burst or Sweep
           runs one part.
           Prints a table; writes out/bench/results.json (bench/Invoke-Benchmark.ps1).
    Servers
           Installs (Debian packages, as root) and starts PostgreSQL and MariaDB on loopback with the test user and
           database (tests/servers/start-databases.sh). Test runs it first.
    Clean  Removes out/ and every bin/ and obj/ folder.
    Docs   Build, then the generated references into docs/reference: a page per cmdlet (docs/reference/cmdlets) from the
           same help model as the MAML, and the configuration reference from the settings catalog. Build writes them to
           out/docs/reference; Test fails when the committed ones differ (run this task and commit the result).

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Package', 'Test', 'Demo', 'Bench', 'Servers', 'Clean', 'Docs')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    # Bench: fresh VM events per scenario (the memory scenario uses ten times as many).
    [ValidateRange(10, 100000)]
    [int] $Events = 300,

    # Bench: the worker concurrencies to measure, e.g. 1,8,32 (text, so that it passes through dotnet pwsh -File).
    [ValidatePattern('^\d+(,\d+)*$')]
    [string] $Concurrency = '1,8,32',

    # Bench: All, Throughput (throughput, calls, latency, start-up, memory, engine paths) or Burst.
    [ValidateSet('All', 'Throughput', 'Burst', 'Sweep')]
    [string] $Scenario = 'All',

    # Bench: competing worker processes in the burst scenario.
    [ValidateRange(1, 16)]
    [int] $Workers = 4,

    # Demo: keep the dashboard open on the demo's data at the end, until Ctrl+C.
    [switch] $Dashboard,

    # Test: only the xunit tests this dotnet test --filter expression selects (and no Pester unless -PesterFile is given too).
    [string] $XunitFilter,

    # Test: only the Pester files whose names match these wildcards (and no xunit unless -XunitFilter is given too).
    [string[]] $PesterFile
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$eventsGiven = $PSBoundParameters.ContainsKey('Events')
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'VmEventOps'
$testOut = Join-Path $out 'test'

function Invoke-Native {
    # Runs a native command and stops the build when it fails. A plain function on purpose: its
    # arguments (-c, -o, ...) pass through $args untouched instead of binding as parameters.
    $filePath = $args[0]
    $arguments = @($args | Select-Object -Skip 1)   # an array even for one argument (splatting a string would split it)
    & $filePath @arguments
    if ($LASTEXITCODE -ne 0) { throw "'$filePath $($arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Invoke-Clean {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    Get-ChildItem $root -Directory -Recurse -Include bin, obj -ErrorAction SilentlyContinue |
        Where-Object FullName -NotMatch 'node_modules' |
        Remove-Item -Recurse -Force
}

function Invoke-Build {
    if (Test-Path $moduleOut) { Remove-Item $moduleOut -Recurse -Force }
    $dependencies = Join-Path $moduleOut 'Dependencies'
    $helpOut = Join-Path $moduleOut 'en-US'

    # The engine's publish output, unchanged (deps.json and runtimes/ included), in its own sub-folder:
    # next to the cmdlet assembly, default probing would find the dependencies first.
    Invoke-Native dotnet publish (Join-Path $root 'src/VmEventOps.Engine/VmEventOps.Engine.csproj') -c $Configuration -o $dependencies --nologo -v quiet

    # The cmdlet assembly is built on its own and only it is copied: its output folder also holds the
    # engine's dependencies, which must not sit beside it.
    Invoke-Native dotnet build (Join-Path $root 'src/VmEventOps/VmEventOps.csproj') -c $Configuration --nologo -v quiet
    $cmdletBin = Join-Path $root "src/VmEventOps/bin/$Configuration/net8.0"
    Copy-Item (Join-Path $cmdletBin 'VmEventOps.dll'), (Join-Path $cmdletBin 'VmEventOps.pdb') $moduleOut
    # The contracts (enums scripts name) live beside the cmdlets only: the engine's context uses that one copy.
    Copy-Item (Join-Path $cmdletBin 'VmEventOps.Contracts.dll') $moduleOut
    Remove-Item (Join-Path $dependencies 'VmEventOps.Contracts.*')
    Copy-Item (Join-Path $root 'VmEventOps.psd1') $moduleOut
    Copy-Item (Join-Path $root 'module/*') $moduleOut -Recurse

    # MAML help from the cmdlets' doc comments, so help cannot drift from the code; from the same model the markdown
    # reference, and the configuration reference from the settings catalog, into out/docs/reference (Docs copies them).
    $generator = Join-Path $root 'tools/VmEventOps.HelpGenerator/VmEventOps.HelpGenerator.csproj'
    # '--' quoted: unquoted, PowerShell takes it as the end of its own parameters and dotnet run would read --docs.
    Invoke-Native dotnet run --project $generator -c $Configuration '--' `
        (Join-Path $moduleOut 'VmEventOps.dll') (Join-Path $cmdletBin 'VmEventOps.xml') (Join-Path $helpOut 'VmEventOps.dll-Help.xml') `
        --docs (Join-Path $out 'docs/reference')
    Write-Host "Module written to $moduleOut"
}

function Invoke-Docs {
    Invoke-Build
    # The generated parts of docs/reference replaced as a whole: a page of a cmdlet that is gone goes too.
    $reference = Join-Path $root 'docs/reference'
    $cmdlets = Join-Path $reference 'cmdlets'
    if (Test-Path $cmdlets) { Remove-Item $cmdlets -Recurse -Force }
    $null = New-Item -ItemType Directory -Force $reference
    Copy-Item (Join-Path $out 'docs/reference/*') $reference -Recurse -Force
    Write-Host "Reference written to $reference"
}

function Invoke-Package {
    Invoke-Build
    $packageOut = Join-Path $out 'package'
    if (Test-Path $packageOut) { Remove-Item $packageOut -Recurse -Force }

    # The Function app: deploy/functionapp with the built module where the Functions worker looks for modules.
    $app = Join-Path $packageOut 'functionapp'
    Copy-Item (Join-Path $root 'deploy/functionapp') $app -Recurse
    $null = New-Item -ItemType Directory (Join-Path $app 'Modules')
    Copy-Item $moduleOut (Join-Path $app 'Modules/VmEventOps') -Recurse
    $version = (Import-PowerShellDataFile (Join-Path $root 'VmEventOps.psd1')).ModuleVersion
    $zip = Join-Path $packageOut "vmeventops-functionapp-$version.zip"
    Compress-Archive -Path (Join-Path $app '*') -DestinationPath $zip

    # The module through PSResourceGet: published to a local file repository, installed from there and imported, each
    # in a pwsh whose HOME is a temporary folder, so the repository registration and the CurrentUser install land there
    # and not in the real profile.
    $repository = New-Item -ItemType Directory (Join-Path $packageOut 'repository')
    $tempHome = Join-Path ([IO.Path]::GetTempPath()) "vmeventops-package-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory $tempHome
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    $savedHome = $env:HOME
    try {
        $env:HOME = $tempHome
        Push-Location $tempHome   # Publish-PSResource leaves a NuGet/NuGet.Config in the working folder
        Invoke-Native dotnet $pwshDll -NoProfile -NonInteractive -Command @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name VmEventOpsLocal -Uri '$repository' -Trusted
Publish-PSResource -Path '$moduleOut' -Repository VmEventOpsLocal
Install-PSResource -Name VmEventOps -Repository VmEventOpsLocal -Scope CurrentUser -TrustRepository -Quiet
"@
        $check = & dotnet $pwshDll -NoProfile -NonInteractive -Command "`$ErrorActionPreference = 'Stop'; Import-Module VmEventOps; `$m = Get-Module VmEventOps; `$n = @(Get-VmEventConfiguration).Count; `"`$(`$m.Version) `$(`$m.ModuleBase) `$n`""
        if ($LASTEXITCODE -ne 0) { throw "The installed module did not import: $check" }
        $installed, $base, $settings = "$check".Split(' ')
        if ($installed -ne $version -or -not $base.StartsWith($tempHome) -or [int] $settings -lt 1) { throw "The installed module is not the published one: $check" }
    }
    finally {
        Pop-Location
        $env:HOME = $savedHome
        Remove-Item $tempHome -Recurse -Force -ErrorAction SilentlyContinue
    }
    $nupkg = Get-ChildItem $repository -Filter '*.nupkg' | Select-Object -First 1
    Write-Host "Function app: $app"
    Write-Host "Zip deploy:   $zip"
    Write-Host "PSResource:   $($nupkg.FullName) (installed from there into a temporary home and imported: version $installed)"
}

function Install-TestServers {
    # Azurite, pinned in package.json / package-lock.json.
    if (-not (Test-Path (Join-Path $root 'node_modules/azurite/package.json'))) {
        Push-Location $root
        try { Invoke-Native npm ci --no-audit --no-fund --loglevel=error } finally { Pop-Location }
    }
}

function Initialize-Emulators {
    # The loopback emulators (managed identity, ARM) as a program, and their HTTPS certificate, trusted the standard
    # way: OpenSSL reads SSL_CERT_FILE when a process starts, so it is made here, before the processes that use it,
    # which inherit the variables.
    param([Parameter(Mandatory)] [string] $CertificateFolder)
    $emulators = Join-Path $out 'emulators'
    Invoke-Native dotnet publish (Join-Path $root 'tests/VmEventOps.Emulators/VmEventOps.Emulators.csproj') -c $Configuration -o $emulators --nologo -v quiet
    $env:VMEVENTOPSTEST_EMULATORS = Join-Path $emulators 'VmEventOps.Emulators.dll'
    Invoke-Native dotnet $env:VMEVENTOPSTEST_EMULATORS certificate $CertificateFolder
    $env:VMEVENTOPSTEST_CERTIFICATES = $CertificateFolder
    $env:SSL_CERT_FILE = Join-Path $CertificateFolder 'ca-bundle.crt'
}

function Invoke-Demo {
    Invoke-Build
    Install-TestServers
    $demoOut = Join-Path $out 'demo'
    if (Test-Path $demoOut) { Remove-Item $demoOut -Recurse -Force }
    Initialize-Emulators (Join-Path $demoOut 'certificates')
    Import-Module (Join-Path $root 'tests/pester/TestHarness.psm1') -Force
    Invoke-DemoWorkflow -ModulePath (Join-Path $moduleOut 'VmEventOps.psd1') -WorkFolder $demoOut -Dashboard:$Dashboard
}

function Invoke-Bench {
    Invoke-Build
    Install-TestServers
    $benchOut = Join-Path $out 'bench'
    # results.json stays: a partial run (-Scenario) replaces its own part of it.
    Get-ChildItem $benchOut -Directory -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    Initialize-Emulators (Join-Path $benchOut 'certificates')
    $tool = Join-Path $out 'benchtool'
    Invoke-Native dotnet publish (Join-Path $root 'bench/VmEventOps.Benchmarks/VmEventOps.Benchmarks.csproj') -c Release -o $tool --nologo -v quiet
    $levels = @($Concurrency -split ',' | ForEach-Object { [int] $_ })
    $burstEvents = if ($Scenario -eq 'Burst' -and $eventsGiven) { $Events } else { 1000 }
    $sweepVms = if ($Scenario -eq 'Sweep' -and $eventsGiven) { $Events } else { 10000 }
    & (Join-Path $root 'bench/Invoke-Benchmark.ps1') -Scenario $Scenario -Events $Events -Concurrency $levels -BurstEvents $burstEvents -SweepVms $sweepVms -Workers $Workers `
        -ModulePath (Join-Path $moduleOut 'VmEventOps.psd1') -Tool (Join-Path $tool 'VmEventOps.Benchmarks.dll') -OutFolder $benchOut
}

function Start-DatabaseServers {
    # Real PostgreSQL and MariaDB for the database checks; the tests fail (never skip) without them.
    Invoke-Native bash (Join-Path $root 'tests/servers/start-databases.sh')
}

function Install-TestBrowser {
    # Debian's chromium and chromium-driver for the dashboard's browser tests; they fail (never skip) without them.
    Invoke-Native bash (Join-Path $root 'tests/servers/install-browser.sh')
}

function Get-NuGetPackageRoot {
    $line = (& dotnet nuget locals global-packages --list) -join "`n"
    if ($line -notmatch 'global-packages:\s*(\S.*)$') { throw "Cannot find the NuGet packages folder: $line" }
    $Matches[1].Trim()
}

function Read-TrxCounts {
    param([string[]] $Paths)
    $totals = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($path in $Paths) {
        [xml] $trx = Get-Content -Raw $path
        $counters = $trx.TestRun.ResultSummary.Counters
        $totals.Passed += [int] $counters.passed
        $totals.Failed += [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
        $totals.Skipped += [int] $counters.notExecuted
    }
    $totals
}

# The failed tests of trx files, one line each (name and the first line of the message): printed just above the summary,
# so a run whose output is cut to its tail still says what failed.
function Read-TrxFailures {
    param([string[]] $Paths)
    foreach ($path in $Paths) {
        [xml] $trx = Get-Content -Raw $path
        foreach ($result in @($trx.TestRun.Results.UnitTestResult)) {
            if ($null -eq $result -or $result.outcome -notin 'Failed', 'Error', 'Timeout', 'Aborted') { continue }
            $node = $result.SelectSingleNode("*[local-name()='Output']/*[local-name()='ErrorInfo']/*[local-name()='Message']")
            $message = if ($null -eq $node) { '' } else { $node.InnerText }
            $first = "$(@($message -split "`n" | Where-Object { $_.Trim() }) | Select-Object -First 1)"
            if ($first.Length -gt 300) { $first = $first.Substring(0, 300) + '...' }
            "xunit failed: $($result.testName): $first"
        }
    }
}

function Invoke-Test {
    # Habits the test command holds: packages restored exactly as the lock files say (a changed dependency needs its
    # packages.lock.json committed), and the house formatting (analyzers and code style are build errors already).
    $env:RestoreLockedMode = 'true'
    Invoke-Native dotnet format whitespace (Join-Path $root 'VmEventOps.sln') --verify-no-changes -v quiet
    Invoke-Package
    Install-TestServers
    Start-DatabaseServers
    Install-TestBrowser
    if (Test-Path $testOut) { Remove-Item $testOut -Recurse -Force }
    $null = New-Item -ItemType Directory $testOut

    Invoke-Native dotnet restore (Join-Path $root 'tests/TestPackages/TestPackages.csproj') --nologo -v quiet
    # A self-contained .NET 8 process (PowerShell 7.4's runtime) that loads the built module as PowerShell does.
    $net8Host = Join-Path $out 'net8host'
    Invoke-Native dotnet publish (Join-Path $root 'tests/VmEventOps.Net8Host/VmEventOps.Net8Host.csproj') -c $Configuration -o $net8Host --nologo -v quiet
    $env:VMEVENTOPSTEST_NET8HOST = Join-Path $net8Host 'VmEventOps.Net8Host'
    Initialize-Emulators (Join-Path $testOut 'certificates')
    # The benchmark tool, for the benchmark's smoke test (tests/pester/Benchmark.Tests.ps1).
    $benchTool = Join-Path $out 'benchtool'
    Invoke-Native dotnet publish (Join-Path $root 'bench/VmEventOps.Benchmarks/VmEventOps.Benchmarks.csproj') -c Release -o $benchTool --nologo -v quiet
    $env:VMEVENTOPSTEST_BENCHTOOL = Join-Path $benchTool 'VmEventOps.Benchmarks.dll'
    $packages = Get-NuGetPackageRoot
    $env:VMEVENTOPSTEST_NUGET = $packages
    $env:VMEVENTOPSTEST_MODULE = Join-Path $moduleOut 'VmEventOps.psd1'
    $env:VMEVENTOPSTEST_REPO = $root
    # The generator, for the drift check of docs/reference (tests/pester/Docs.Tests.ps1).
    $env:VMEVENTOPSTEST_HELPGENERATOR = Join-Path $root "tools/VmEventOps.HelpGenerator/bin/$Configuration/net10.0/VmEventOps.HelpGenerator.dll"
    $env:VMEVENTOPSTEST_CMDLETDOCS = Join-Path $root "src/VmEventOps/bin/$Configuration/net8.0/VmEventOps.xml"

    $failed = $false
    # A filtered run (a developer's loop) runs only what its filters name; the test command runs everything.
    $filtered = $XunitFilter -or $PesterFile
    # xunit: one trx per project, counted below.
    $xunitProjects = if ($filtered -and -not $XunitFilter) { @() } else { Get-ChildItem (Join-Path $root 'tests') -Recurse -Filter '*.Tests.csproj' }
    $filter = if ($XunitFilter) { @('--filter', $XunitFilter) } else { @() }
    foreach ($project in $xunitProjects) {
        $trx = "$($project.BaseName).trx"
        & dotnet test $project.FullName -c $Configuration --nologo --logger "trx;LogFileName=$trx" --results-directory $testOut @filter
        if ($LASTEXITCODE -ne 0) { $failed = $true }
    }
    $xunit = Read-TrxCounts @(Get-ChildItem $testOut -Filter '*.trx' | ForEach-Object FullName)
    Write-Host ("xunit: {0} passed, {1} failed, {2} skipped" -f $xunit.Passed, $xunit.Failed, $xunit.Skipped)

    # Pester in a fresh pwsh, so the module is imported as a user imports it.
    $pesterResult = Join-Path $testOut 'pester.json'
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    if ($filtered -and -not $PesterFile) {
        $null = New-Item $pesterResult -Value '{ "Passed": 0, "Failed": 0, "Skipped": 0 }'
    }
    else {
        $files = if ($PesterFile) { @('-File', ($PesterFile -join ',')) } else { @() }
        & dotnet $pwshDll -NoProfile -NonInteractive -File (Join-Path $root 'tests/pester/Invoke-PesterSuite.ps1') `
            -PesterPath (Join-Path $packages 'pester/5.7.1/tools/Pester.psd1') -ResultPath $pesterResult @files
        if ($LASTEXITCODE -ne 0) { $failed = $true }
    }
    $pester = if (Test-Path $pesterResult) { Get-Content -Raw $pesterResult | ConvertFrom-Json } else { [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    Write-Host ("pester: {0} passed, {1} failed, {2} skipped" -f $pester.Passed, $pester.Failed, $pester.Skipped)

    try {
        Read-TrxFailures @(Get-ChildItem $testOut -Filter '*.trx' | ForEach-Object FullName) | ForEach-Object { Write-Host $_ }
    }
    catch {
        Write-Host "xunit failures could not be listed: $($_.Exception.Message)"
    }
    $passed = $xunit.Passed + $pester.Passed
    $failedCount = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    if ($failedCount -gt 0) { $failed = $true }
    $summary = "$passed passed, $failedCount failed"
    if ($skipped -gt 0) { $summary += ", $skipped skipped" }
    Write-Host $summary
    if ($failed) { exit 1 }
}

switch ($Task) {
    'Clean' { Invoke-Clean }
    'Build' { Invoke-Build }
    'Package' { Invoke-Package }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Servers' { Start-DatabaseServers }
    'Docs' { Invoke-Docs }
}
