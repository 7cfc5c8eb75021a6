# The module must load beside modules that bring their own Azure.Core and Microsoft.Data.SqlClient
# (Az.Accounts, dbatools, SqlServer), in either order. Each case runs in a fresh pwsh process, because
# assemblies can never be unloaded from the default context.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Azurite = Start-TestAzurite
    $nuget = Get-TestNuGetRoot
    $script:OldCore = Join-Path $nuget 'azure.core/1.32.0/lib/net6.0/Azure.Core.dll'
    $script:OldSql = Join-Path $nuget 'microsoft.data.sqlclient/5.1.9/runtimes/unix/lib/net6.0/Microsoft.Data.SqlClient.dll'
    $script:Prologue = @"
`$module = '$(Get-TestModulePath)'
`$connection = '$($script:Azurite.ConnectionString)'
function Load-Old { Add-Type -Path '$script:OldCore'; Add-Type -Path '$script:OldSql' }
function Use-Old {
    # The other module's copies still work: a type from each, used.
    [pscustomobject]@{
        Header = [Azure.Core.HttpHeader]::new('x-check', 'old').ToString()
        DataSource = [Microsoft.Data.SqlClient.SqlConnectionStringBuilder]::new('Server=tcp:db.example,1433').DataSource
    }
}
function Use-Module { @(Get-VmEventQueueStatus -ConnectionString `$connection).Count }
function Get-Loaded {
    [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'Azure.Core', 'Microsoft.Data.SqlClient', 'VmEventOps.Engine' } |
        ForEach-Object { [pscustomobject]@{ Name = `$_.GetName().Name; Context = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name; Location = `$_.Location } }
}
"@
}

AfterAll { Stop-TestAzurite $script:Azurite }

Describe 'Loading beside other copies of Azure.Core and Microsoft.Data.SqlClient' {
    It 'has the older assemblies to load' {
        $script:OldCore | Should -Exist
        $script:OldSql | Should -Exist
    }

    It 'works when Azure.Core 1.32 and SqlClient 5.1 were loaded first' {
        $result = Invoke-FreshPwsh -Script ($script:Prologue + @'
Load-Old
$before = Use-Old
Import-Module $module
[pscustomobject]@{ Queues = Use-Module; Before = $before; After = Use-Old; Loaded = @(Get-Loaded) }
'@)
        $result.Queues | Should -Be 4
        $result.After.Header | Should -Be 'x-check:old'
        $result.After.DataSource | Should -Be 'tcp:db.example,1433'
        $core = $result.Loaded | Where-Object Name -eq 'Azure.Core'
        ($core | Where-Object Context -eq 'Default').Location | Should -Be $script:OldCore
        ($core | Where-Object Context -eq 'VmEventOps').Location | Should -Match 'Dependencies[\\/]Azure\.Core\.dll$'
        ($result.Loaded | Where-Object Name -eq 'VmEventOps.Engine').Context | Should -Be 'VmEventOps'
    }

    It 'works when the module was imported and used first' {
        $result = Invoke-FreshPwsh -Script ($script:Prologue + @'
Import-Module $module
$first = Use-Module
Load-Old
[pscustomobject]@{ First = $first; Old = Use-Old; Again = Use-Module; Loaded = @(Get-Loaded) }
'@)
        $result.First | Should -Be 4
        $result.Again | Should -Be 4
        $result.Old.Header | Should -Be 'x-check:old'
        $result.Old.DataSource | Should -Be 'tcp:db.example,1433'
        ($result.Loaded | Where-Object { $_.Name -eq 'Azure.Core' -and $_.Context -eq 'Default' }).Location | Should -Be $script:OldCore
        ($result.Loaded | Where-Object { $_.Name -eq 'Azure.Core' -and $_.Context -eq 'VmEventOps' }) | Should -Not -BeNullOrEmpty
    }

    It 'gives scripts the types of parameters and results, one copy for the cmdlets, the engine and the script' {
        $result = Invoke-FreshPwsh -Script ($script:Prologue + @'
Import-Module $module
$event = '{"id":"1","eventType":"Microsoft.Resources.ResourceWriteSuccess","subject":"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1","eventTime":"2026-12-01T00:00:00Z","dataVersion":"2","data":{"operationName":"Microsoft.Compute/virtualMachines/write","status":"Succeeded","resourceUri":"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"}}'
$parsed = ConvertFrom-VmEvent -InputObject $event -WarningAction SilentlyContinue
$contracts = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'VmEventOps.Contracts' }
[pscustomobject]@{
    Named = [VmEventOps.VmEventOutcome]::Succeeded.ToString()
    QueueParameter = (Get-Command Get-VmEventMessage).Parameters['Queue'].ParameterType.FullName
    KindIsTheScriptsType = $parsed.Kind -is [VmEventOps.VmEventKind]
    Kind = "$($parsed.Kind)"
    Copies = @($contracts).Count
    Context = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(@($contracts)[0]).Name
    Refused = try { Get-VmEventMessage -Queue Elsewhere -ConnectionString $connection; 'bound' } catch { $_.FullyQualifiedErrorId }
}
'@)
        $result.Named | Should -Be 'Succeeded'
        $result.QueueParameter | Should -Be 'VmEventOps.QueueKind'
        $result.KindIsTheScriptsType | Should -BeTrue
        $result.Kind | Should -Be 'Created'
        $result.Copies | Should -Be 1
        $result.Context | Should -Be 'Default'
        $result.Refused | Should -Match '^CannotConvertArgumentNoMessage|^ParameterArgumentTransformationError'
    }
}

Describe 'Loading on the .NET 8 runtime of PowerShell 7.4' {
    # PowerShell 7.4 (Azure Functions, Automation) is not served here; a self-contained .NET 8 process
    # loads the built module folder exactly as PowerShell's import does (see tests/VmEventOps.Net8Host).
    BeforeAll {
        $hostPath = if ($env:VMEVENTOPSTEST_NET8HOST) { $env:VMEVENTOPSTEST_NET8HOST } else { Join-Path (Split-Path (Split-Path (Get-TestModulePath))) 'net8host/VmEventOps.Net8Host' }
        $output = & $hostPath (Split-Path (Get-TestModulePath)) $script:Azurite.ConnectionString (Join-Path $TestDrive 'net8-traces.jsonl')
        $LASTEXITCODE | Should -Be 0
        $script:Result = $output | ConvertFrom-Json
    }

    It 'runs the engine against storage on .NET 8' {
        $script:Result.Runtime | Should -Match '^8\.0\.'
        $script:Result.Queues.Count | Should -Be 4
    }

    It 'loads System.Text.Json 10 privately, beside the runtime''s own 8.0' {
        $json = $script:Result.Loaded | Where-Object Name -eq 'System.Text.Json'
        ($json | Where-Object Context -eq 'Default').Version | Should -Be '8.0.0.0'
        $private = $json | Where-Object Context -eq 'VmEventOps'
        $private.Version | Should -Be '10.0.0.0'
        $private.Location | Should -Match 'Dependencies[\\/]System\.Text\.Json\.dll$'
    }

    It 'exports the engine''s spans with the OpenTelemetry SDK, DiagnosticSource 10 private beside the runtime''s 8.0' {
        $span = $script:Result.Spans | ConvertFrom-Json
        $span.name | Should -Be 'Net8Host.Probe'
        $span.source | Should -Be 'VmEventOps'
        ($script:Result.Loaded | Where-Object Name -eq 'OpenTelemetry').Context | Should -Be 'VmEventOps'
        $diagnostics = $script:Result.Loaded | Where-Object Name -eq 'System.Diagnostics.DiagnosticSource'
        ($diagnostics | Where-Object Context -eq 'VmEventOps').Version | Should -Be '10.0.0.0'
    }

    It 'loads the Key Vault SDK in the module''s context' {
        ($script:Result.Loaded | Where-Object Name -eq 'Azure.Security.KeyVault.Secrets').Context | Should -Be 'VmEventOps'
        $script:Result.LoopbackChallengeUnchecked | Should -BeTrue
    }

    It 'keeps Azure.Core and the engine in the module''s context' {
        ($script:Result.Loaded | Where-Object Name -in 'Azure.Core', 'VmEventOps.Engine').Context | Sort-Object -Unique | Should -Be 'VmEventOps'
    }
}


Describe 'Loading only what a command uses' {
    BeforeAll {
        # The SDKs a command loaded into the module's context, in a fresh pwsh (nothing else loaded them first).
        $script:LoadedBy = {
            param([string] $Command)
            Invoke-FreshPwsh -Script @"
Import-Module '$(Get-TestModulePath)'
$Command
`$engine = [Runtime.Loader.AssemblyLoadContext]::All | Where-Object { `$_.Assemblies.GetName().Name -contains 'VmEventOps.Engine' }
@(`$engine.Assemblies | ForEach-Object { `$_.GetName().Name })
"@
        }
        $script:Optional = 'Azure.Security.KeyVault.Secrets', 'Azure.Storage.Blobs', 'Azure.Identity', 'OpenTelemetry', 'Azure.Monitor.OpenTelemetry.Exporter', 'Microsoft.Data.SqlClient', 'Npgsql', 'MySqlConnector', 'Microsoft.Data.Sqlite'
    }

    It 'loads no Azure SDK for Get-VmEventConfiguration' {
        $loaded = & $script:LoadedBy '$null = Get-VmEventConfiguration'
        $loaded | Should -Not -Contain 'Azure.Core'
        @($loaded | Where-Object { $_ -in $script:Optional }) | Should -BeNullOrEmpty
    }

    It 'loads no Azure SDK for Get-VmEventConfiguration with a storage connection string set' {
        # The setting is checked by the storage SDK's rules, not by building its clients (StorageConnectionStringFormat).
        $loaded = & $script:LoadedBy "`$env:VMEVENTOPS_STORAGECONNECTIONSTRING = '$($script:Azurite.ConnectionString)'; `$null = Get-VmEventConfiguration"
        $loaded | Should -Contain 'VmEventOps.Engine'
        $loaded | Should -Not -Contain 'Azure.Core'
        @($loaded | Where-Object { $_ -like 'Azure.*' }) | Should -BeNullOrEmpty
    }

    It 'loads the queue SDK, and no Key Vault, blob, identity, telemetry or database driver, for a queue cmdlet with a connection string' {
        # Nothing listens on port 9: the call fails after the SDK's retries, which is all this needs.
        $loaded = & $script:LoadedBy "try { `$null = Get-VmEventQueueStatus -ConnectionString 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1' } catch { }"
        $loaded | Should -Contain 'Azure.Storage.Queues'
        @($loaded | Where-Object { $_ -in $script:Optional }) | Should -BeNullOrEmpty
    }
}
