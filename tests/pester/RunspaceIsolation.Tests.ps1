# The Functions PowerShell worker runs many invocations at once in one process, each in its own runspace. The composition
# root shares clients per identity and endpoints: here 200 runspaces of one pwsh call the module at the same moment with
# settings files that interleave two identities (the emulator's system- and user-assigned managed identities) and two
# storage accounts (two Azurite instances), two queue names each. No call may use another's credential, client or settings,
# and the engine builds one credential per identity and one set of clients per identity and account.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Emulators = Start-TestEmulators
    $script:Accounts = @((Start-TestAzurite), (Start-TestAzurite))
    $folder = Join-Path $TestDrive 'settings'
    New-Item -ItemType Directory $folder | Out-Null
    $identities = @(
        @{ Name = 'system'; ClientId = $null; Expected = $script:Emulators.SystemAssigned.ClientId },
        @{ Name = 'user'; ClientId = $script:Emulators.UserAssigned.ClientId; Expected = $script:Emulators.UserAssigned.ClientId })
    $script:Files = foreach ($identity in $identities) {
        foreach ($a in 0, 1) {
            foreach ($q in 'alpha', 'beta') {
                $settings = [ordered]@{ AuthMode = 'ManagedIdentity'; StorageConnectionString = $script:Accounts[$a].ConnectionString; QueueName = "iso-$($identity.Name)-$q" }
                if ($identity.ClientId) { $settings.ManagedIdentityClientId = $identity.ClientId }
                $path = Join-Path $folder "$($identity.Name)-$a-$q.json"
                $settings | ConvertTo-Json | Set-Content $path
                [pscustomobject]@{ Path = $path; Identity = $identity.Name; ExpectedClientId = $identity.Expected; Account = $a; Queue = $settings.QueueName }
            }
        }
    }

    $script:Calls = 200
    $script:Vm = $script:Emulators.Vms[0]
    $script:Environment = (Get-EmulatorEnvironment $script:Emulators) + @{ VMEVENTOPS_ALLOWEDSCOPES = '*' }
    $script:Script = Join-Path $TestDrive 'runspaces.ps1'
    Set-Content $script:Script @'
param([string] $ModulePath, [string] $FilesJson, [int] $Calls, [string] $VmResourceId)
$ErrorActionPreference = 'Stop'
$files = @($FilesJson | ConvertFrom-Json)
$state = [initialsessionstate]::CreateDefault2()
$state.ImportPSModule($ModulePath)
$pool = [runspacefactory]::CreateRunspacePool(1, $Calls, $state, $Host)
$pool.Open()
$started = [Threading.CountdownEvent]::new($Calls)
$gate = [Threading.ManualResetEventSlim]::new($false)
$call = {
    param([string] $Settings, [string] $VmResourceId, [int] $Index, $Started, $Gate)
    $ErrorActionPreference = 'Stop'
    $Started.Signal() | Out-Null
    if (-not $Gate.Wait([TimeSpan]::FromMinutes(3))) { throw 'the gate never opened' }
    $token = Get-VmAccessToken -SettingsPath $Settings -ResourceType Arm
    $vm = Get-VmNetworkInfo -SettingsPath $Settings -VmResourceId $VmResourceId
    Send-VmEventMessage -SettingsPath $Settings -VmResourceId $VmResourceId -Reason "call $Index" | Out-Null
    [pscustomobject]@{ Index = $Index; Settings = $Settings; ClientId = $token.ClientId; VmName = $vm.VmName; Runspace = [runspace]::DefaultRunspace.InstanceId.ToString() }
}
$running = for ($i = 0; $i -lt $Calls; $i++) {
    $shell = [powershell]::Create()
    $shell.RunspacePool = $pool
    $null = $shell.AddScript($call).AddArgument($files[$i % $files.Count].Path).AddArgument($VmResourceId).AddArgument($i).AddArgument($started).AddArgument($gate)
    [pscustomobject]@{ Shell = $shell; Handle = $shell.BeginInvoke() }
}
# Every call waits at the gate until all are in their runspaces: the first use of each host happens 200 times at once.
if (-not $started.Wait([TimeSpan]::FromMinutes(5))) { throw "only $($Calls - $started.CurrentCount) of $Calls calls started" }
$gate.Set()
$results = foreach ($r in $running) {
    $output = $r.Shell.EndInvoke($r.Handle)
    if ($r.Shell.HadErrors) { throw "a call failed: $($r.Shell.Streams.Error | Select-Object -First 1)" }
    $output
    $r.Shell.Dispose()
}
$engine = [Runtime.Loader.AssemblyLoadContext]::All.Assemblies | Where-Object { $_.GetName().Name -eq 'VmEventOps.Engine' } | Select-Object -First 1
$registry = $engine.GetType('VmEventOps.Engine.Hosting.EngineHostRegistry', $true)
$counts = [ordered]@{}
foreach ($name in 'CredentialsBuilt', 'ClientsBuilt', 'Count') { $counts[$name] = $registry.GetProperty($name, [Reflection.BindingFlags] 'Public, Static').GetValue($null) }
# What each queue holds now, read with each file's own settings (the module imported here too, after the count).
Import-Module $ModulePath
$depths = foreach ($file in $files) {
    $main = Get-VmEventQueueStatus -SettingsPath $file.Path | Where-Object { "$($_.Queue)" -eq "Main" }
    [pscustomobject]@{ Path = $file.Path; Count = $main.ApproximateCount }
}
$pool.Close()
[pscustomobject]@{ Results = @($results); Counts = $counts; Depths = @($depths); EngineContext = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Name } | ConvertTo-Json -Depth 5 -Compress
'@
    $filesJson = @($script:Files | Select-Object Path) | ConvertTo-Json -Compress
    $script:Run = Invoke-PwshFile -Path $script:Script -Arguments @((Get-TestModulePath), $filesJson, $script:Calls, $script:Vm.Id) -Environment $script:Environment
}

AfterAll {
    Stop-TestEmulators $script:Emulators
    foreach ($account in $script:Accounts) { Stop-TestAzurite $account }
}

Describe '200 runspaces of one process calling at once' {
    It 'runs every call in a runspace of its own' {
        $script:Run.Results.Count | Should -Be $script:Calls
        @($script:Run.Results.Runspace | Sort-Object -Unique).Count | Should -Be $script:Calls
    }

    It "gives each call its own identity's token, never the other's" {
        foreach ($result in $script:Run.Results) {
            $file = $script:Files | Where-Object Path -EQ $result.Settings
            $result.ClientId | Should -Be $file.ExpectedClientId -Because "call $($result.Index) used $($file.Identity)"
        }
        @($script:Run.Results.ClientId | Sort-Object -Unique).Count | Should -Be 2
    }

    It "puts each call's message in its own account's queue of its own name, none in another's" {
        $perFile = $script:Calls / $script:Files.Count
        foreach ($depth in $script:Run.Depths) {
            $depth.Count | Should -Be $perFile -Because "$($depth.Path) was used by $perFile calls"
        }
    }

    It 'reads the VM through ARM in every call' {
        @($script:Run.Results | Where-Object VmName -NE $script:Vm.Name).Count | Should -Be 0
    }

    It 'builds one credential per identity, one host per identity and account, and each host its clients once' {
        $script:Run.Counts.CredentialsBuilt | Should -Be 2
        $script:Run.Counts.Count | Should -Be 4
        # Per host: the queue service and the ARM pipeline (the blob service only once a message is too large to wrap).
        $script:Run.Counts.ClientsBuilt | Should -Be 8
        $script:Run.EngineContext | Should -Not -Be 'Default'
    }
}
