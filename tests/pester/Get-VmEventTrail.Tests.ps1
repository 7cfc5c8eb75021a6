BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Azurite = Start-TestAzurite
    $script:Emulators = Start-TestEmulators
    $script:Module = Get-TestModulePath
    $script:Databases = New-Item -ItemType Directory (Join-Path $TestDrive 'databases')
    $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
    $script:Environment = (Get-EmulatorEnvironment $script:Emulators) + @{
        VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
        VMEVENTOPS_QUEUENAME = "trail-$suffix"
        VMEVENTOPS_SUCCEEDEDQUEUENAME = "trail-$suffix-ok"
        VMEVENTOPS_RETRYQUEUENAME = "trail-$suffix-retry"
        VMEVENTOPS_POISONQUEUENAME = "trail-$suffix-poison"
        VMEVENTOPS_STATETABLENAME = "trail$suffix"
        VMEVENTOPS_ALLOWEDSCOPES = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo'
        VMEVENTOPS_DBPROVIDER = 'Sqlite'
        # One database file per VM: a VM's database "comes up" when its file is created.
        VMEVENTOPS_DBSERVER = (Join-Path $script:Databases '{PrivateIpAddress}.db')
        VMEVENTOPS_RETRYBASEDELAY = '00:00:01'
        VMEVENTOPS_RETRYMAXDELAY = '00:00:02'
    }

    function Get-Trail([string] $VmId, [hashtable] $Environment = $script:Environment) {
        # Properties as plain text, and the default table as a user sees it.
        Invoke-FreshPwsh -Environment $Environment -Script @"
Import-Module '$script:Module'
`$trail = @(Get-VmEventTrail -VmResourceId '$VmId')
[pscustomobject]@{
    Entries = @(`$trail | ForEach-Object { [pscustomobject]@{ Time = `$_.Time.ToString('o'); Source = `$_.Source; Status = `$_.Status; Attempt = `$_.Attempt; Reason = `$_.Reason; JobId = "`$(`$_.JobId)"; TraceId = `$_.TraceId; History = @(`$_.History | ForEach-Object Stage); HistoryErrors = @(`$_.History | ForEach-Object Error) } })
    Table = `$trail | Format-Table | Out-String -Width 200
    Everything = `$trail | Format-List * | Out-String -Width 400
}
"@
    }
}

AfterAll {
    Stop-TestEmulators $script:Emulators
    Stop-TestAzurite $script:Azurite
}

Describe 'Get-VmEventTrail' {
    It 'tells the story of a VM that went to retry and then succeeded, in time order' {
        $vm = $script:Emulators.Vms[0]   # 10.0.0.4
        $first = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; `"`$((Invoke-VmEventWorkflow -VmResourceId '$($vm.Id)').Outcome)`""
        $first | Should -Be 'RetryScheduled'

        $waiting = Get-Trail $vm.Id
        $record = $waiting.Entries | Where-Object Source -eq 'State'
        $record.Status | Should -Be 'FirstSeen', 'RetryScheduled'
        $record[1].Attempt | Should -Be 1
        $record[1].Reason | Should -Match '^DatabaseCheck: VmDbCheckFailed: '
        # Until it is due the retry's message is invisible (only the record knows it); once due, the queue shows it too.
        $due = $waiting.Entries | Where-Object Status -eq 'RetryDue'
        $due.Source | Should -Be 'RetryQueue'
        $due.Attempt | Should -Be 2
        @($waiting.Entries | Where-Object Status -eq 'WaitingForRetry').Count | Should -BeLessOrEqual 1

        # The database comes up; the retry pass takes the message once it is due.
        Set-Content (Join-Path $script:Databases '10.0.0.4.db') -Value $null
        $wait = [datetimeoffset]::Parse($due.Time) - [datetimeoffset]::UtcNow
        if ($wait -gt [timespan]::Zero) { Start-Sleep -Milliseconds ($wait.TotalMilliseconds + 500) }
        $retried = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; @(Start-VmEventRetry | Where-Object { `$_.PSObject.TypeNames[0] -eq 'VmEventOps.Engine.Workflow.VmEventResult' } | ForEach-Object { `"`$(`$_.Outcome)`" })"
        $retried | Should -Be 'Succeeded'

        $null = Get-Trail $vm.Id   # the job moves on each time it is read (New, Running, Completed)
        $done = Get-Trail $vm.Id
        $done.Entries.Status | Should -Be 'FirstSeen', 'RetryScheduled', 'Succeeded', 'Succeeded', 'Completed'
        $done.Entries.Source | Should -Be 'State', 'State', 'State', 'SucceededQueue', 'RunbookJob'
        $done.Entries[2].Attempt | Should -Be 2
        $done.Entries[3].Attempt | Should -Be 2
        $done.Entries[3].History | Should -Be 'DatabaseCheck', 'Runbook'
        $done.Entries[3].HistoryErrors[0] | Should -Match '^DatabaseCheck: VmDbCheckFailed: '
        $done.Entries[4].JobId | Should -Not -BeNullOrEmpty
        ($done.Entries.Time | Sort-Object) | Should -Be $done.Entries.Time
        $done.Table | Should -Match 'VM: vm-demo-01'
        $done.Table | Should -Match 'Time\s+Source\s+Status\s+Attempt\s+Reason'
        $done.Table | Should -Match 'RunbookJob\s+Completed'
    }

    It 'shows a VM in poison with the reason and every stage that failed, and no planted secret' {
        # A database password with the Sqlite check can never work (no encryption): the settings error sends the VM to poison.
        $vm = $script:Emulators.Vms[1]
        $planted = 'Planted-Db-Password-8d2f'
        $environment = $script:Environment + @{ VMEVENTOPS_MAXATTEMPTS = '1'; VMEVENTOPS_DBPASSWORD = $planted }
        $outcome = Invoke-FreshPwsh -Environment $environment -Script "Import-Module '$script:Module'; `"`$((Invoke-VmEventWorkflow -VmResourceId '$($vm.Id)').Outcome)`""
        $outcome | Should -Be 'DeadLettered'

        $trail = Get-Trail $vm.Id -Environment $environment
        $trail.Entries.Status | Should -Be 'FirstSeen', 'DeadLettered', 'DeadLettered'
        $trail.Entries.Source | Should -Be 'State', 'State', 'PoisonQueue'
        $poison = $trail.Entries[2]
        $poison.Attempt | Should -Be 1
        $poison.Reason | Should -Match '^DatabaseCheck: VmDbNotConfigured: '
        $poison.History | Should -Be 'DatabaseCheck'
        $poison.HistoryErrors | Should -Match '^DatabaseCheck: VmDbNotConfigured: A password was given for a Sqlite check'
        $poison.TraceId | Should -BeNullOrEmpty   # no exporter listened: no trace was recorded
        $trail.Everything | Should -Not -Match $planted
        $trail.Table | Should -Not -Match $planted
    }

    It 'takes VMs from the pipeline by property name, and says why an ID is not one' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script @"
Import-Module '$script:Module'
`$piped = @(Get-VmOnboardingState | Get-VmEventTrail | ForEach-Object { (`$_.VmResourceId -split '/')[-1] } | Sort-Object -Unique)
Get-VmEventTrail -VmResourceId 'not-a-vm' -ErrorAction SilentlyContinue -ErrorVariable failure
[pscustomobject]@{ Piped = `$piped; ErrorId = `$failure[0].FullyQualifiedErrorId }
"@
        $result.Piped | Should -Be 'vm-demo-01', 'vm-demo-02'
        $result.ErrorId | Should -Be 'VmInvalidResourceId,VmEventOps.Commands.GetVmEventTrailCommand'
    }
}
