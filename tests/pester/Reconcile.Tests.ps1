# Sync-VmOnboarding, Get-VmOnboardingCompliance and Get-VmEventDeadLetter as users run them: the built module in a fresh pwsh,
# Azurite (queues, table, blobs) and the ARM emulator with its paged VM lists.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Azurite = Start-TestAzurite
    $script:Emulators = Start-TestEmulators
    $script:Module = Get-TestModulePath
    $script:Database = Join-Path $TestDrive 'app.db'
    Set-Content $script:Database -Value $null

    function New-Sweep {
        # A resource group of its own in the emulator, its VMs created "while the worker was down", and settings of its own.
        param([int] $Vms = 2)
        $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
        $group = "rg-sweep-$suffix"
        $created = foreach ($i in 1..$Vms) {
            Invoke-RestMethod -SkipCertificateCheck -Method Post -Uri "$($script:Emulators.ArmEndpoint)_emulator/vms" -ContentType 'application/json' `
                -Body (@{ resourceGroup = $group; name = "vm-$suffix-$i"; address = "10.7.0.$($i + 3)" } | ConvertTo-Json)
        }
        [pscustomobject]@{
            Group = $group
            Vms = @($created)
            DeadLetters = "dl-$suffix"
            Settings = (Get-EmulatorEnvironment $script:Emulators) + @{
                VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
                VMEVENTOPS_QUEUENAME = "sw-$suffix"; VMEVENTOPS_SUCCEEDEDQUEUENAME = "sw-$suffix-ok"
                VMEVENTOPS_RETRYQUEUENAME = "sw-$suffix-retry"; VMEVENTOPS_POISONQUEUENAME = "sw-$suffix-poison"
                VMEVENTOPS_STATETABLENAME = "sw$suffix"; VMEVENTOPS_DEADLETTERCONTAINERNAME = "dl-$suffix"
                VMEVENTOPS_ALLOWEDSCOPES = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/$group"
                VMEVENTOPS_DBPROVIDER = 'Sqlite'; VMEVENTOPS_DBSERVER = $script:Database
            }
        }
    }

    function ConvertTo-DeadLetterBlob([string[]] $VmIds) {
        # What Event Grid writes after its last delivery attempt: the events as published, the dead-letter properties beside.
        $events = foreach ($id in $VmIds) {
            [ordered]@{
                id = [guid]::NewGuid().ToString(); eventType = 'Microsoft.Resources.ResourceWriteSuccess'; subject = $id; eventTime = '2026-11-30T10:00:00Z'
                data = @{ operationName = 'Microsoft.Compute/virtualMachines/write'; resourceUri = $id; status = 'Succeeded'; subscriptionId = '11111111-2222-3333-4444-555555555555' }
                dataVersion = '2'; metadataVersion = '1'; topic = '/subscriptions/11111111-2222-3333-4444-555555555555'
                deadLetterReason = 'MaxDeliveryAttemptsExceeded'; deliveryAttempts = 30; lastDeliveryOutcome = 'TimedOut'; lastHttpStatusCode = 408
                publishTime = '2026-11-30T10:00:01Z'; lastDeliveryAttemptTime = '2026-12-01T10:00:00Z'
            }
        }
        ConvertTo-Json -InputObject @($events) -Depth 5 -Compress
    }
}

AfterAll {
    Stop-TestEmulators $script:Emulators
    Stop-TestAzurite $script:Azurite
}

Describe 'Sync-VmOnboarding' {
    It 'with -WhatIf lists the VMs it would queue and sends nothing' {
        $sweep = New-Sweep -Vms 2
        $result = Invoke-FreshPwsh -Environment $sweep.Settings -Script "Import-Module '$script:Module'; `$out = @(Sync-VmOnboarding -WhatIf 6>`$null); [pscustomobject]@{ Actions = @(`$out | Where-Object Action | ForEach-Object { `"`$(`$_.Action) `$(`$_.Name)`" }); Queued = (`$out | Where-Object WhatIf).Queued; InQueue = (Get-VmEventQueueStatus | Where-Object Queue -EQ Main).ApproximateCount }"
        $result.Actions | Sort-Object | Should -Be @($sweep.Vms.Name | Sort-Object | ForEach-Object { "WouldQueue $_" })
        $result.Queued | Should -Be 2
        $result.InQueue | Should -Be 0
    }

    It 'queues the VMs created while the worker was down, which the worker then onboards once each, their own late events included' {
        $sweep = New-Sweep -Vms 3
        $result = Invoke-FreshPwsh -Environment $sweep.Settings -Script @"
Import-Module '$script:Module'
`$summary = Sync-VmOnboarding | Where-Object { `$_.PSObject.TypeNames[0] -like '*VmReconcileSummary' }
`$null = Send-VmEventMessage -VmResourceId '$($sweep.Vms[0].Id)' -Reason 'its own event, late'
`$outcomes = @(Start-VmEventWorker -UntilEmpty | Where-Object Outcome | ForEach-Object { "`$(`$_.Outcome)" })
`$again = Sync-VmOnboarding | Where-Object { `$_.PSObject.TypeNames[0] -like '*VmReconcileSummary' }
[pscustomobject]@{ Vms = `$summary.Vms; Queued = `$summary.Queued; Complete = `$summary.Complete; Outcomes = `$outcomes; AgainQueued = `$again.Queued; AgainOnboarded = `$again.Onboarded }
"@
        $result.Vms | Should -Be 3
        $result.Queued | Should -Be 3
        $result.Complete | Should -BeTrue
        @($result.Outcomes | Where-Object { $_ -eq 'Succeeded' }).Count | Should -Be 3
        @($result.Outcomes | Where-Object { $_ -eq 'AlreadyOnboarded' }).Count | Should -Be 1
        $result.AgainQueued | Should -Be 0
        $result.AgainOnboarded | Should -Be 3
    }

    It 'defers a scope ARM throttles with Retry-After 1200, at once, and says when to come back' {
        $sweep = New-Sweep -Vms 1
        $fault = @{ route = 'vm-list'; status = 429; retryAfterSeconds = 1200; unwrapped = $true } | ConvertTo-Json -Compress
        Invoke-RestMethod -SkipCertificateCheck -Method Post -Uri "$($script:Emulators.ArmEndpoint)_emulator/faults" -Body $fault -ContentType 'application/json' | Out-Null
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $result = Invoke-FreshPwsh -Environment $sweep.Settings -Script "Import-Module '$script:Module'; `$s = Sync-VmOnboarding -WarningVariable w -WarningAction SilentlyContinue | Where-Object { `$_.PSObject.TypeNames[0] -like '*VmReconcileSummary' }; [pscustomobject]@{ Complete = `$s.Complete; RetryAfter = `$s.RetryAfter.TotalSeconds; Queued = `$s.Queued; Warning = `"`$w`" }"
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30
        $result.Complete | Should -BeFalse
        $result.RetryAfter | Should -Be 1200
        $result.Queued | Should -Be 0
        $result.Warning | Should -Match 'VmReconcileIncomplete.*1200 s'
    }
}

Describe 'Get-VmOnboardingCompliance' {
    It 'gives each VM in scope its status, reason and age, and with -Summary the counts by status and scope' {
        $sweep = New-Sweep -Vms 3
        $result = Invoke-FreshPwsh -Environment $sweep.Settings -Script @"
Import-Module '$script:Module'
`$null = Invoke-VmEventWorkflow -VmResourceId '$($sweep.Vms[0].Id)'
`$rows = @(Get-VmOnboardingCompliance | Sort-Object VmName | ForEach-Object { [pscustomobject]@{ VmName = `$_.VmName; Status = "`$(`$_.Status)"; Reason = `$_.Reason; HasAge = `$null -ne `$_.Age; Type = `$_.PSObject.TypeNames[0] } })
`$summary = @(Get-VmOnboardingCompliance -Summary | ForEach-Object { [pscustomobject]@{ Status = "`$(`$_.Status)"; Count = `$_.Count; Scope = `$_.Scope } })
`$missing = @(Get-VmOnboardingCompliance -Status Missing).Count
[pscustomobject]@{ Rows = `$rows; Summary = `$summary; Missing = `$missing }
"@
        $result.Rows.Status | Should -Be @('Onboarded', 'Missing', 'Missing')
        $result.Rows[0].Reason | Should -Match '^Onboarded '
        $result.Rows[1].Reason | Should -Be 'NeverSeen'
        $result.Rows | ForEach-Object { $_.HasAge | Should -BeTrue }
        $result.Rows[0].Type | Should -Be 'VmEventOps.Engine.Reconcile.VmComplianceRecord'
        ($result.Summary | Where-Object Status -EQ 'Missing').Count | Should -Be 2
        ($result.Summary | Where-Object Status -EQ 'Onboarded').Count | Should -Be 1
        $result.Summary.Scope | Select-Object -Unique | Should -Be "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/$($sweep.Group)"
        $result.Missing | Should -Be 2
    }
}

Describe 'Get-VmEventDeadLetter' {
    It 'reads the events Event Grid dead-lettered, and piped to Send-VmEventMessage replays each once' {
        $sweep = New-Sweep -Vms 2
        Set-TestBlob -Azurite $script:Azurite -Container $sweep.DeadLetters -Name 'SUB/2026/12/1/10/a.json' -Text (ConvertTo-DeadLetterBlob $sweep.Vms.Id)
        $result = Invoke-FreshPwsh -Environment $sweep.Settings -Script @"
Import-Module '$script:Module'
`$letters = @(Get-VmEventDeadLetter)
`$sent = @(`$letters | Send-VmEventMessage)
`$again = @(Get-VmEventDeadLetter).Count
`$all = @(Get-VmEventDeadLetter -IncludeReplayed | Where-Object Replayed).Count
`$sweepSummary = Sync-VmOnboarding -SkipDeadLetters:`$false | Where-Object { `$_.PSObject.TypeNames[0] -like '*VmReconcileSummary' }
[pscustomobject]@{
    Names = @(`$letters.VmName | Sort-Object); Reason = `$letters[0].DeadLetterReason; Attempts = `$letters[0].DeliveryAttempts; Outcome = `$letters[0].LastDeliveryOutcome
    Sent = `$sent.Count; SentVms = @(`$sent.VmResourceId | Sort-Object); Again = `$again; Replayed = `$all; SweepReplayed = `$sweepSummary.DeadLettersReplayed
}
"@
        $result.Names | Should -Be @($sweep.Vms.Name | Sort-Object)
        $result.Reason | Should -Be 'MaxDeliveryAttemptsExceeded'
        $result.Attempts | Should -Be 30
        $result.Outcome | Should -Be 'TimedOut'
        $result.Sent | Should -Be 2
        $result.SentVms | Should -Be @($sweep.Vms.Id | Sort-Object)
        $result.Again | Should -Be 0
        $result.Replayed | Should -Be 2
        $result.SweepReplayed | Should -Be 0
    }

    It 'reports a blob that is not a JSON array of events as VmDeadLetterUnreadable, and keeps it' {
        $sweep = New-Sweep -Vms 1
        Set-TestBlob -Azurite $script:Azurite -Container $sweep.DeadLetters -Name 'SUB/2026/12/1/11/broken.json' -Text '{ not json'
        $result = Invoke-FreshPwsh -Environment $sweep.Settings -Script "Import-Module '$script:Module'; `$found = @(Get-VmEventDeadLetter -ErrorVariable problems -ErrorAction SilentlyContinue); `$s = Sync-VmOnboarding -WarningAction SilentlyContinue | Where-Object Action -EQ Unreadable; [pscustomobject]@{ Found = `$found.Count; Id = `$problems[0].FullyQualifiedErrorId; Text = `"`$(`$problems[0])`"; Sweep = `$s.BlobName; Still = @(Get-VmEventDeadLetter -ErrorAction SilentlyContinue -ErrorVariable later).Count + `$later.Count }"
        $result.Found | Should -Be 0
        $result.Id | Should -Be 'VmDeadLetterUnreadable,VmEventOps.Commands.GetVmEventDeadLetterCommand'
        $result.Text | Should -Match 'broken\.json.*kept'
        $result.Sweep | Should -Be 'SUB/2026/12/1/11/broken.json'
        $result.Still | Should -Be 1
    }
}
