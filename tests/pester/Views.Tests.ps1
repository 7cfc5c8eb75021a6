BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Azurite = Start-TestAzurite
    $script:Emulators = Start-TestEmulators
    $script:Module = Get-TestModulePath
    $database = Join-Path $TestDrive 'app.db'
    Set-Content $database -Value $null
    $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
    $environment = (Get-EmulatorEnvironment $script:Emulators) + @{
        VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
        VMEVENTOPS_QUEUENAME = "views-$suffix"; VMEVENTOPS_SUCCEEDEDQUEUENAME = "views-$suffix-succeeded"
        VMEVENTOPS_RETRYQUEUENAME = "views-$suffix-retry"; VMEVENTOPS_POISONQUEUENAME = "views-$suffix-poison"
        VMEVENTOPS_STATETABLENAME = "views$suffix"
        VMEVENTOPS_ALLOWEDSCOPES = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo'
        VMEVENTOPS_DBPROVIDER = 'Sqlite'; VMEVENTOPS_DBSERVER = $database
        VMEVENTOPS_DBUSER = 'onboarding-reader-with-a-long-name'
    }
    $vm = $script:Emulators.Vms[0]
    $other = $script:Emulators.Vms[1]
    # An event Event Grid dead-lettered, for Get-VmEventDeadLetter and the sweep's WouldReplay.
    $early = $script:Emulators.EarlyVm.Id
    $deadLetter = '[{"id":"5b8e1f52-0a43-4bb0-9d5e-2a7a1f6c0001","eventType":"Microsoft.Resources.ResourceWriteSuccess","subject":"' + $early + '","eventTime":"2026-11-30T10:00:00Z","data":{"operationName":"Microsoft.Compute/virtualMachines/write","resourceUri":"' + $early + '"},"dataVersion":"2","metadataVersion":"1","deadLetterReason":"UndeliverableDueToClientError","deliveryAttempts":1,"lastDeliveryOutcome":"Forbidden","lastHttpStatusCode":403}]'
    Set-TestBlob -Azurite $script:Azurite -Container 'eventgrid-deadletter' -Name 'VIEWS/2026/11/30/10/one.json' -Text $deadLetter
    # One object of every type a cmdlet writes, as the cmdlet writes it, rendered by its default view at both widths.
    $script:Rendered = Invoke-FreshPwsh -Environment $environment -Script @"
Import-Module '$script:Module'
`$WarningPreference = 'SilentlyContinue'
`$sample = @{
    VmEventSetting = Get-VmEventConfiguration
    VmAccessToken = Get-VmAccessToken
    VmNetworkInfo = Get-VmNetworkInfo -VmResourceId '$($vm.Id)'
    VmDbCheckResult = @(Test-VmDbConnection -Provider Sqlite -Server '$database'), @(Test-VmDbConnection -Provider Sqlite -Server '$TestDrive/missing-database-file-with-a-long-name.db')
    SentMessage = Send-VmEventMessage -VmResourceId '$($other.Id)' -Reason 'A re-run asked for by someone, with a reason of some length'
}
`$sample.VmEvent = Get-VmEventMessage | ForEach-Object Event
`$sample.VmEventMessage = @(Get-VmEventMessage) + @(Send-VmEventMessage -Body 'not an event at all' | ForEach-Object { Get-VmEventMessage } | Select-Object -Last 1)
`$worker = @(Start-VmEventWorker -UntilEmpty)
`$sample.VmEventResult = `$worker | Where-Object Outcome
`$sample.WorkerSummary = `$worker | Where-Object StoppedBecause
`$sample.VmEventResult += Invoke-VmEventWorkflow -VmResourceId '$($vm.Id)'
`$sample.QueueStatus = Get-VmEventQueueStatus
`$sample.OnboardingState = Get-VmOnboardingState
`$sample.VmEventTrailEntry = Get-VmEventTrail -VmResourceId '$($vm.Id)'
`$sample.VmRunbookJob = Get-VmRunbookJob -JobId `$sample.OnboardingState[0].JobId
`$sample.VmComplianceRecord = Get-VmOnboardingCompliance
`$sample.VmComplianceSummary = Get-VmOnboardingCompliance -Summary
`$sample.VmEventDeadLetter = Get-VmEventDeadLetter
`$sample.OnboardingRuleView = Get-VmOnboardingRule
`$sample.RuleTestResult = Test-VmOnboardingRule -VmResourceId '$($vm.Id)' -RunChecks
`$sample.ApiResponse = @(Invoke-VmEventApi -Method GET -Action status -Authentication FunctionKey), @(Invoke-VmEventApi -Method GET -Action reboot -Authentication FunctionKey)
`$dashboard = [powershell]::Create()
`$null = `$dashboard.AddCommand('Import-Module').AddArgument('$script:Module').AddStatement().AddCommand('Start-VmEventDashboard')
`$started = [System.Management.Automation.PSDataCollection[psobject]]::new()
`$noInput = [System.Management.Automation.PSDataCollection[psobject]]::new()
`$noInput.Complete()
`$null = `$dashboard.BeginInvoke(`$noInput, `$started)
`$deadline = [DateTime]::UtcNow.AddSeconds(60)
while (`$started.Count -lt 1 -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 100 }
`$sample.DashboardInfo = `$started[0]
`$dashboard.Stop()
`$sweep = @(Sync-VmOnboarding -WhatIf 6>`$null)
`$sample.VmReconcileItem = `$sweep | Where-Object Action
`$sample.VmReconcileSummary = `$sweep | Where-Object { `$_.PSObject.TypeNames[0] -like '*VmReconcileSummary' }
foreach (`$name in @(`$sample.Keys)) {
    [pscustomobject]@{ Type = `$name; Count = @(`$sample[`$name]).Count; W80 = (`$sample[`$name] | Out-String -Width 80); W120 = (`$sample[`$name] | Out-String -Width 120) }
}
"@
    # VMEVENTOPSTEST_SHOWVIEWS=1 prints each type's table at 80 columns, to look at them.
    if ($env:VMEVENTOPSTEST_SHOWVIEWS) { $script:Rendered | ForEach-Object { Write-Host "== $($_.Type)"; Write-Host $_.W80 } }
    $script:Types = 'VmEventSetting', 'VmAccessToken', 'VmNetworkInfo', 'VmDbCheckResult', 'SentMessage', 'VmEvent', 'VmEventMessage',
        'VmEventResult', 'WorkerSummary', 'QueueStatus', 'OnboardingState', 'VmEventTrailEntry', 'VmRunbookJob',
        'VmComplianceRecord', 'VmComplianceSummary', 'VmEventDeadLetter', 'VmReconcileItem', 'VmReconcileSummary', 'OnboardingRuleView', 'RuleTestResult', 'ApiResponse', 'DashboardInfo'

    # The column labels of each table view, from the format file the module ships.
    [xml] $script:Format = Get-Content -Raw (Join-Path (Split-Path $script:Module) 'VmEventOps.Format.ps1xml')
    $script:Labels = @{}
    foreach ($view in $script:Format.Configuration.ViewDefinitions.View) {
        if ($view.TableControl) { $script:Labels[$view.Name] = @($view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object Label) }
    }

    function script:Get-TableProblem([string] $Text, [int] $Width, [string[]] $Labels) {
        # What makes a table unreadable at a width: a line past it; a header wrapped onto a second line or stacked a
        # letter per line; a header cut (its rule shorter than its label); a column dropped for want of room.
        $lines = $Text -split "`r?`n"
        $problems = @()
        $long = @($lines | Where-Object { $_.TrimEnd().Length -gt $Width })
        if ($long) { $problems += "line over $Width columns: $($long[0])" }
        if (-not $Labels) { return $problems }   # a list view: lines within the width is all it needs
        $index = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^-+( +-+)*\s*$' })
        if ($index -lt 1) { return $problems + 'no table header' }
        $header = $lines[$index - 1]
        if ($index -ge 2 -and $lines[$index - 2].Trim().Length -gt 0 -and $lines[$index - 2] -notmatch '^\s*VM: ') { $problems += "header wraps: '$($lines[$index - 2].Trim())'" }
        $shown = @()
        foreach ($dash in [regex]::Matches($lines[$index], '-+')) {
            $label = if ($header.Length -gt $dash.Index) { $header.Substring($dash.Index, [Math]::Min($dash.Length, $header.Length - $dash.Index)).Trim() } else { '' }
            $shown += $label
            if ($label.Length -ne $dash.Length) { $problems += "header cut at column $($dash.Index): '$label'" }
        }
        $missing = @($Labels | Where-Object { $_ -notin $shown })
        if ($missing) { $problems += "columns dropped: $($missing -join ', ')" }
        $problems
    }
}

AfterAll {
    Stop-TestEmulators $script:Emulators
    Stop-TestAzurite $script:Azurite
}

Describe 'Default views at 80 and 120 columns' {
    It 'rendered a representative object of every type a cmdlet writes' {
        $script:Rendered.Type | Sort-Object | Should -Be ($script:Types | Sort-Object)
        $script:Rendered | ForEach-Object { $_.Count | Should -BeGreaterThan 0 -Because "$($_.Type) needs an object to render" }
    }

    It 'gives the setting names a column as wide as the longest of them, so none is split' {
        $width = [int] ($script:Format.Configuration.ViewDefinitions.View | Where-Object Name -EQ 'VmEventSetting').TableControl.TableHeaders.TableColumnHeader[0].Width
        $longest = (Invoke-FreshPwsh -Script "Import-Module '$script:Module'; (Get-VmEventConfiguration).Name | Measure-Object -Property Length -Maximum | ForEach-Object Maximum")
        $longest | Should -BeLessOrEqual $width
    }

    It 'reads <_> at 80 columns' -ForEach 'VmEventSetting', 'VmAccessToken', 'VmNetworkInfo', 'VmDbCheckResult', 'SentMessage', 'VmEvent', 'VmEventMessage', 'VmEventResult', 'WorkerSummary', 'QueueStatus', 'OnboardingState', 'VmEventTrailEntry', 'VmRunbookJob', 'VmComplianceRecord', 'VmComplianceSummary', 'VmEventDeadLetter', 'VmReconcileItem', 'VmReconcileSummary', 'OnboardingRuleView', 'RuleTestResult', 'ApiResponse', 'DashboardInfo' {
        $text = ($script:Rendered | Where-Object Type -EQ $_).W80
        Get-TableProblem $text 80 $script:Labels[$_] | Should -BeNullOrEmpty -Because $text
    }

    It 'reads <_> at 120 columns' -ForEach 'VmEventSetting', 'VmAccessToken', 'VmNetworkInfo', 'VmDbCheckResult', 'SentMessage', 'VmEvent', 'VmEventMessage', 'VmEventResult', 'WorkerSummary', 'QueueStatus', 'OnboardingState', 'VmEventTrailEntry', 'VmRunbookJob', 'VmComplianceRecord', 'VmComplianceSummary', 'VmEventDeadLetter', 'VmReconcileItem', 'VmReconcileSummary', 'OnboardingRuleView', 'RuleTestResult', 'ApiResponse', 'DashboardInfo' {
        $text = ($script:Rendered | Where-Object Type -EQ $_).W120
        Get-TableProblem $text 120 $script:Labels[$_] | Should -BeNullOrEmpty -Because $text
    }
}
