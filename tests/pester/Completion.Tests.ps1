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

    It 'completes -RunbookName with the runbooks of the configured Automation account, following every page of the list' {
        $environment = Get-EmulatorEnvironment $script:Emulators
        # A fresh pwsh: the settings come from VMEVENTOPS_* as in a user's shell, and no earlier Tab's cache answers.
        $script = "Import-Module '$script:Module'; foreach (`$line in 'Invoke-VmRunbook -RunbookName On', 'Invoke-VmRunbook ') { (TabExpansion2 -inputScript `$line -cursorColumn `$line.Length).CompletionMatches | ForEach-Object { `$_.CompletionText + '|' + `$_.ToolTip } ; '--' }"
        $lines = @(Invoke-FreshPwsh -Environment $environment -Script $script)
        $split = [array]::IndexOf($lines, '--')
        $prefixed = @($lines[0..($split - 1)])
        $all = @($lines[($split + 1)..($lines.Count - 2)])

        $prefixed | ForEach-Object { ($_ -split '\|')[0] } | Should -Be @('Onboard-Draft', 'Onboard-Vm')
        $prefixed[0] | Should -Match 'Onboard-Draft \(PowerShell72, New\)'
        # Six runbooks, two a page in the emulator: the completion read all three pages.
        $all | ForEach-Object { ($_ -split '\|')[0] } | Should -Be @('Broken', 'Noisy', 'Offboard-Vm', 'Onboard-Draft', 'Onboard-Vm', 'Report-Inventory')
    }

    It 'completes -RunbookName from the -AutomationAccountId typed on the line, and nothing for an account that does not exist' {
        $environment = Get-EmulatorEnvironment $script:Emulators
        $environment.VMEVENTOPS_AUTOMATIONACCOUNTID = $null
        $other = $script:Emulators.AutomationAccountId -replace 'aa-demo$', 'aa-missing'
        $script = "Import-Module '$script:Module'; foreach (`$line in `"Invoke-VmRunbook -AutomationAccountId '$($script:Emulators.AutomationAccountId)' -RunbookName Off`", `"Invoke-VmRunbook -AutomationAccountId '$other' -RunbookName `", 'Invoke-VmRunbook -RunbookName ') { `$m = @((TabExpansion2 -inputScript `$line -cursorColumn `$line.Length).CompletionMatches); [string] `$m.Count; `$m | ForEach-Object CompletionText }"
        $lines = @(Invoke-FreshPwsh -Environment $environment -Script $script)

        $lines | Should -Be @('1', 'Offboard-Vm', '0', '0')
    }

    It 'completes nothing for -RunbookName when ARM cannot be reached, quickly and without an error' {
        $environment = Get-EmulatorEnvironment $script:Emulators
        $environment.VMEVENTOPS_ARMENDPOINT = 'https://127.0.0.1:9/'
        $environment.VMEVENTOPS_ARMALLOWEDHOSTS = '127.0.0.1:9'
        $script = "Import-Module '$script:Module'; `$w = [Diagnostics.Stopwatch]::StartNew(); `$line = 'Invoke-VmRunbook -RunbookName '; `$m = @((TabExpansion2 -inputScript `$line -cursorColumn `$line.Length).CompletionMatches); `"`$(`$m.Count) `$([int]`$w.Elapsed.TotalSeconds) `$(`$Error.Count)`""
        $count, $seconds, $errors = "$(Invoke-FreshPwsh -Environment $environment -Script $script)".Split(' ')

        $count | Should -Be '0'
        [int] $seconds | Should -BeLessThan 6
        $errors | Should -Be '0'
    }

    It 'completes -Queue of Get-VmEventMessage with every queue it reads (its enum type, which PowerShell completes before any completer)' {
        @(Complete 'Get-VmEventMessage -Queue ').CompletionText | Should -Be @('Main', 'Poison', 'Retry', 'Succeeded')
        @(Complete 'Get-VmEventMessage -Queue p').CompletionText | Should -Be @('Poison')
    }

    It 'completes -Queue of Send-VmEventMessage with only the queues it sends to' {
        @(Complete 'Send-VmEventMessage -VmResourceId x -Queue ').CompletionText | Should -Be @('Main', 'Retry')
    }
}
