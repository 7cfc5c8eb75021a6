BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:Azurite = Start-TestAzurite
    $script:Emulators = Start-TestEmulators
    $script:Module = Get-TestModulePath

    function script:Complete([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches
    }
}

AfterAll {
    Stop-TestEmulators $script:Emulators
    Stop-TestAzurite $script:Azurite
}

Describe 'Argument completion' {
    It 'completes setting names for Get-VmEventConfiguration -Name, with their descriptions' {
        $matches = @(Complete 'Get-VmEventConfiguration -Name Db')
        $matches.CompletionText | Should -Contain 'DbServer'
        $matches.CompletionText | Should -Contain 'DbPassword'
        $matches.CompletionText | ForEach-Object { $_ | Should -BeLike 'Db*' }
        ($matches | Where-Object CompletionText -EQ 'DbServer').ToolTip | Should -Match 'host name'
    }

    It 'completes -Environment from the sections of the settings file given with -SettingsPath' {
        $file = Join-Path $TestDrive 'settings.json'
        Set-Content $file '{ "MaxAttempts": 3, "Local": { "DbServer": "a" }, "Prod": { "DbServer": "b" }, "Preview": {} }'
        @(Complete "Get-VmEventConfiguration -SettingsPath '$file' -Environment P").CompletionText | Should -Be @('Preview', 'Prod')
        @(Complete "Get-VmEventConfiguration -SettingsPath '$file' -Environment ").CompletionText | Should -Be @('Local', 'Preview', 'Prod')
    }

    It 'completes nothing for -Environment when there is no settings file, without an error' {
        @(Complete "Get-VmEventConfiguration -SettingsPath '$TestDrive/missing.json' -Environment ").Count | Should -Be 0
    }

    It 'completes -VmResourceId with the VMs the onboarding state table knows' {
        $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
        $settings = Join-Path $TestDrive "state-$suffix.json"
        $environment = (Get-EmulatorEnvironment $script:Emulators) + @{
            VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
            VMEVENTOPS_QUEUENAME = "c-$suffix"; VMEVENTOPS_SUCCEEDEDQUEUENAME = "c-$suffix-ok"; VMEVENTOPS_RETRYQUEUENAME = "c-$suffix-retry"
            VMEVENTOPS_POISONQUEUENAME = "c-$suffix-poison"; VMEVENTOPS_STATETABLENAME = "c$suffix"
            VMEVENTOPS_ALLOWEDSCOPES = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo'
        }
        $vms = $script:Emulators.Vms | Select-Object -First 2
        $null = Invoke-FreshPwsh -Environment $environment -Script "Import-Module '$script:Module'; $(($vms | ForEach-Object { "`$null = Invoke-VmEventWorkflow -VmResourceId '$($_.Id)'" }) -join '; '); 1"
        Set-Content $settings (@{ StorageConnectionString = $script:Azurite.ConnectionString; StateTableName = "c$suffix" } | ConvertTo-Json)

        $all = @(Complete "Get-VmEventTrail -SettingsPath '$settings' -VmResourceId ")
        $one = @(Complete "Get-VmEventTrail -SettingsPath '$settings' -VmResourceId $($vms[1].Name)")

        $all.CompletionText | Sort-Object | Should -Be ($vms.Id | Sort-Object)
        $one.CompletionText | Should -Be @($vms[1].Id)
        $one[0].ListItemText | Should -Be $vms[1].Id
    }

    It 'completes nothing for -VmResourceId when storage cannot be reached, quickly and without an error' {
        $settings = Join-Path $TestDrive 'dead.json'
        Set-Content $settings (@{ StorageConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$($script:Azurite.AccountKey);TableEndpoint=http://127.0.0.1:9/devstoreaccount1" } | ConvertTo-Json)
        $watch = [Diagnostics.Stopwatch]::StartNew()
        @(Complete "Send-VmEventMessage -SettingsPath '$settings' -VmResourceId vm").Count | Should -Be 0
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
    }
}
