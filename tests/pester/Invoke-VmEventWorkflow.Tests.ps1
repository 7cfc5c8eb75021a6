BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Azurite = Start-TestAzurite
    $script:Emulators = Start-TestEmulators
    $script:Module = Get-TestModulePath
    $database = Join-Path $TestDrive 'app.db'
    Set-Content $database -Value $null   # an empty file is an empty SQLite database
    $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
    $script:Environment = (Get-EmulatorEnvironment $script:Emulators) + @{
        VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
        VMEVENTOPS_QUEUENAME = "wf-$suffix"
        VMEVENTOPS_SUCCEEDEDQUEUENAME = "wf-$suffix-ok"
        VMEVENTOPS_RETRYQUEUENAME = "wf-$suffix-retry"
        VMEVENTOPS_POISONQUEUENAME = "wf-$suffix-poison"
        VMEVENTOPS_STATETABLENAME = "wf$suffix"
        VMEVENTOPS_ALLOWEDSCOPES = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo'
        VMEVENTOPS_DBPROVIDER = 'Sqlite'
        VMEVENTOPS_DBSERVER = $database
    }
    $script:Vm = $script:Emulators.Vms[0]
}

AfterAll {
    Stop-TestEmulators $script:Emulators
    Stop-TestAzurite $script:Azurite
}

Describe 'Invoke-VmEventWorkflow' {
    It 'does nothing with -WhatIf' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; [pscustomobject]@{ Count = @(Invoke-VmEventWorkflow -VmResourceId '$($script:Vm.Id)' -WhatIf).Count; States = @(Get-VmOnboardingState).Count }"
        $result.Count | Should -Be 0
        $result.States | Should -Be 0
    }

    It 'keeps the queue trigger''s message id and delivery count from -TriggerMetadata' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script @"
Import-Module '$script:Module'
`$item = '{"id":"9","eventType":"Microsoft.Resources.ResourceWriteSuccess","subject":"/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-other/providers/Microsoft.Compute/virtualMachines/vm-x","data":{"operationName":"Microsoft.Compute/virtualMachines/write","resourceUri":"/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-other/providers/Microsoft.Compute/virtualMachines/vm-x"}}'
`$r = Invoke-VmEventWorkflow `$item -TriggerMetadata @{ Id = 'a1b2c3'; DequeueCount = 3; InsertionTime = [DateTimeOffset]::UtcNow; PopReceipt = 'x' }
`$plain = Invoke-VmEventWorkflow `$item
[pscustomobject]@{ Outcome = "`$(`$r.Outcome)"; DequeueCount = `$r.DequeueCount; Without = `$plain.DequeueCount }
"@
        $result.Outcome | Should -Be 'Ignored'
        $result.DequeueCount | Should -Be 3
        $result.Without | Should -Be 0
    }

    It 'receives nothing from the queues with Start-VmEventWorker -WhatIf or Start-VmEventRetry -WhatIf' {
        $environment = $script:Environment.Clone()
        $environment.VMEVENTOPS_QUEUENAME = "$($script:Environment.VMEVENTOPS_QUEUENAME)-whatif"
        $result = Invoke-FreshPwsh -Environment $environment -Script @"
Import-Module '$script:Module'
`$null = Send-VmEventMessage -VmResourceId '$($script:Vm.Id)'
`$output = @(Start-VmEventWorker -UntilEmpty -IncludeRetry -WhatIf) + @(Start-VmEventRetry -WhatIf)
`$main = Get-VmEventQueueStatus | Where-Object Queue -EQ Main
[pscustomobject]@{ Output = `$output.Count; Waiting = `$main.ApproximateCount; States = @(Get-VmOnboardingState).Count }
"@
        $result.Output | Should -Be 0
        $result.Waiting | Should -Be 1
        $result.States | Should -Be 0
    }

    It 'onboards a VM, then finds the same VM in a decoded queue item already onboarded' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script @"
Import-Module '$script:Module'
`$first = Invoke-VmEventWorkflow -VmResourceId '$($script:Vm.Id)'
`$item = @{ id = '1'; eventType = 'Microsoft.Resources.ResourceWriteSuccess'; subject = '$($script:Vm.Id)'; eventTime = '2026-11-25T10:00:00Z'; data = @{ operationName = 'Microsoft.Compute/virtualMachines/write'; status = 'Succeeded'; resourceUri = '$($script:Vm.Id)' } }
`$second = Invoke-VmEventWorkflow -QueueItem `$item
`$state = Get-VmOnboardingState -VmResourceId '$($script:Vm.Id)'
[pscustomobject]@{
    First = "`$(`$first.Outcome)"; Ip = `$first.PrivateIpAddress; Job = "`$(`$first.JobId)"; Type = `$first.PSObject.TypeNames[0]
    Second = "`$(`$second.Outcome)"
    State = "`$(`$state.State)"; StateJob = "`$(`$state.JobId)"
    Succeeded = (Get-VmEventQueueStatus | Where-Object Queue -eq 'Succeeded').ApproximateCount
}
"@
        $result.First | Should -Be 'Succeeded'
        $result.Type | Should -Be 'VmEventOps.Engine.Workflow.VmEventResult'
        $result.Ip | Should -Be '10.0.0.4'
        $result.Second | Should -Be 'AlreadyOnboarded'
        $result.State | Should -Be 'Succeeded'
        $result.StateJob | Should -Be $result.Job
        $result.Succeeded | Should -Be 1
    }

    It 'ignores a VM outside the allowed scopes with the reason' {
        $outside = $script:Vm.Id -replace 'rg-demo', 'rg-elsewhere'
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; Invoke-VmEventWorkflow -VmResourceId '$outside' | Select-Object @{ n = 'Outcome'; e = { `"`$(`$_.Outcome)`" } }, Reason"
        $result.Outcome | Should -Be 'Ignored'
        $result.Reason | Should -Be 'OutOfScope'
    }

    It 'writes every span of the onboarding to VMEVENTOPS_TRACEFILE, and no secret' {
        $traceFile = Join-Path $TestDrive 'traces/vmeventops.jsonl'
        $planted = 'Planted-Otlp-Key-5e1c'
        $vm = $script:Emulators.Vms[1]
        $environment = $script:Environment + @{ VMEVENTOPS_TRACEFILE = $traceFile; VMEVENTOPS_OTLPHEADERS = "x-api-key=$planted" }
        $result = Invoke-FreshPwsh -Environment $environment -Script @"
Import-Module '$script:Module'
`$verbose = Invoke-VmEventWorkflow -VmResourceId '$($vm.Id)' -Verbose 4>&1 | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
[pscustomobject]@{ Verbose = @(`$verbose) }
"@
        $result.Verbose | Should -Contain "Telemetry export: trace file $traceFile."
        ($result.Verbose -join "`n") | Should -Not -Match $planted
        $spans = Get-Content $traceFile | ConvertFrom-Json
        $message = $spans | Where-Object { $_.name -eq 'VmEventOps.ProcessMessage' -and $_.tags.'vmeventops.vm_resource_id' -eq $vm.Id }
        $message.tags.'vmeventops.outcome' | Should -Be 'Succeeded'
        # The first claim (State: a new VM's record inserted) and the VM GET run at the same time: either may end (and be
        # written) first. A new VM needs no second claim.
        $stages = @(($spans | Where-Object parentSpanId -eq $message.spanId).name)
        @($stages[0]) + @($stages[1..2] | Sort-Object) + @($stages[3..($stages.Count - 1)]) | Should -Be 'Parse', 'State', 'VmLookup', 'DatabaseCheck', 'Runbook', 'Route'
        Get-Content $traceFile -Raw | Should -Not -Match $planted
    }

    It 'dead-letters a queue item that is not an event, with the reason' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; Invoke-VmEventWorkflow -QueueItem 'not json at all' | Select-Object @{ n = 'Outcome'; e = { `"`$(`$_.Outcome)`" } }, Reason"
        $result.Outcome | Should -Be 'DeadLettered'
        $result.Reason | Should -Be 'Malformed:NotJson'
    }
}
