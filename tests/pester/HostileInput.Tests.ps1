BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Azurite = Start-TestAzurite
    $script:Emulators = Start-TestEmulators
    $script:Module = Get-TestModulePath
    $database = Join-Path $TestDrive 'app.db'
    Set-Content $database -Value $null   # an empty file is an empty SQLite database
    $script:Database = $database
    $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
    $script:Environment = (Get-EmulatorEnvironment $script:Emulators) + @{
        VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
        VMEVENTOPS_QUEUENAME = "ho-$suffix"
        VMEVENTOPS_SUCCEEDEDQUEUENAME = "ho-$suffix-ok"
        VMEVENTOPS_RETRYQUEUENAME = "ho-$suffix-retry"
        VMEVENTOPS_POISONQUEUENAME = "ho-$suffix-poison"
        VMEVENTOPS_STATETABLENAME = "ho$suffix"
        VMEVENTOPS_ALLOWEDSCOPES = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo'
        VMEVENTOPS_DBPROVIDER = 'Sqlite'
        VMEVENTOPS_DBSERVER = $database
    }
    $script:Vms = $script:Emulators.Vms

    # A fresh queue set per test, so counts are the test's own.
    function script:New-QueueEnvironment([hashtable] $Extra = @{}) {
        $environment = $script:Environment.Clone()
        $id = [guid]::NewGuid().ToString('n').Substring(0, 8)
        $environment.VMEVENTOPS_QUEUENAME = "ho-$id"
        $environment.VMEVENTOPS_SUCCEEDEDQUEUENAME = "ho-$id-ok"
        $environment.VMEVENTOPS_RETRYQUEUENAME = "ho-$id-retry"
        $environment.VMEVENTOPS_POISONQUEUENAME = "ho-$id-poison"
        $environment.VMEVENTOPS_STATETABLENAME = "ho$id"
        foreach ($key in $Extra.Keys) { $environment[$key] = $Extra[$key] }
        $environment
    }

    # The event of one of the emulator's VMs as Event Grid writes it, as JSON text.
    function script:Get-EventJson([string] $VmResourceId, [string] $Subject = $VmResourceId) {
        '{"id":"' + [guid]::NewGuid() + '","eventType":"Microsoft.Resources.ResourceWriteSuccess","subject":"' + $Subject + '","eventTime":"2026-12-01T10:00:00Z","topic":"/subscriptions/11111111-2222-3333-4444-555555555555","data":{"operationName":"Microsoft.Compute/virtualMachines/write","status":"Succeeded","resourceUri":"' + $VmResourceId + '"}}'
    }
}

AfterAll {
    Stop-TestEmulators $script:Emulators
    Stop-TestAzurite $script:Azurite
}

Describe 'Hostile input' {
    Context 'a hashtable nested too deep, or cyclic' {
        It 'is a non-terminating Malformed:TooDeep error of ConvertFrom-VmEvent, and the next input is still read' {
            $result = Invoke-FreshPwsh -Environment $script:Environment -Script @"
Import-Module '$script:Module'
`$deep = @{}; `$cursor = `$deep
foreach (`$i in 1..100) { `$next = @{}; `$cursor.inner = `$next; `$cursor = `$next }
`$cyclic = @{ eventType = 'Microsoft.Resources.ResourceWriteSuccess' }; `$cyclic.self = `$cyclic
`$good = '$(Get-EventJson $script:Vms[0].Id)' | ConvertFrom-Json -AsHashtable
`$events = @(`$deep, `$cyclic, `$good | ConvertFrom-VmEvent -ErrorAction SilentlyContinue -ErrorVariable problems)
[pscustomobject]@{ Events = `$events.Count; Accepted = `$events[0].Accepted; Errors = @(`$problems | ForEach-Object { "`$(`$_.FullyQualifiedErrorId)|`$(`$_.TargetObject)" }) }
"@
            $result.Events | Should -Be 1
            $result.Accepted | Should -BeTrue
            $result.Errors | Should -Be @('VmEventMalformed,VmEventOps.Commands.ConvertFromVmEventCommand|Malformed:TooDeep', 'VmEventMalformed,VmEventOps.Commands.ConvertFromVmEventCommand|Malformed:TooDeep')
        }

        It 'is dead-lettered by Invoke-VmEventWorkflow with the reason, as the Functions trigger hands it over' {
            $environment = New-QueueEnvironment
            $result = Invoke-FreshPwsh -Environment $environment -Script @"
Import-Module '$script:Module'
`$cyclic = @{ eventType = 'Microsoft.Resources.ResourceWriteSuccess'; id = '1' }; `$cyclic.data = `$cyclic
`$r = Invoke-VmEventWorkflow -QueueItem `$cyclic
`$poison = Get-VmEventQueueStatus | Where-Object Queue -EQ Poison
[pscustomobject]@{ Outcome = "`$(`$r.Outcome)"; Reason = `$r.Reason; Poison = `$poison.ApproximateCount }
"@
            $result.Outcome | Should -Be 'DeadLettered'
            $result.Reason | Should -Be 'Malformed:TooDeep'
            $result.Poison | Should -Be 1
        }
    }

    Context 'a hashtable holding a number JSON cannot carry (1e999 read as Infinity, NaN)' {
        It 'is a non-terminating Malformed:NonFiniteNumber error of ConvertFrom-VmEvent, and the next input is still read' {
            $result = Invoke-FreshPwsh -Environment $script:Environment -Script @"
Import-Module '$script:Module'
`$infinite = '$((Get-EventJson $script:Vms[0].Id).Replace('"data":{', '"data":{"n":1e999,'))' | ConvertFrom-Json -AsHashtable
`$nan = @{ eventType = 'Microsoft.Resources.ResourceWriteSuccess'; data = @{ n = [double]::NaN } }
`$good = '$(Get-EventJson $script:Vms[1].Id)' | ConvertFrom-Json -AsHashtable
`$events = @(`$infinite, `$nan, `$good | ConvertFrom-VmEvent -ErrorAction SilentlyContinue -ErrorVariable problems)
[pscustomobject]@{ Infinity = "`$(`$infinite.data.n)"; Events = `$events.Count; Errors = @(`$problems | ForEach-Object { "`$(`$_.FullyQualifiedErrorId)|`$(`$_.TargetObject)" }) }
"@
            $result.Infinity | Should -Be 'Infinity'
            $result.Events | Should -Be 1
            $result.Errors | Should -Be @('VmEventMalformed,VmEventOps.Commands.ConvertFromVmEventCommand|Malformed:NonFiniteNumber', 'VmEventMalformed,VmEventOps.Commands.ConvertFromVmEventCommand|Malformed:NonFiniteNumber')
        }

        It 'is dead-lettered by Invoke-VmEventWorkflow with the reason, as the Functions trigger hands it over' {
            $environment = New-QueueEnvironment
            $result = Invoke-FreshPwsh -Environment $environment -Script @"
Import-Module '$script:Module'
`$infinite = '$((Get-EventJson $script:Vms[0].Id).Replace('"data":{', '"data":{"n":-1e999,'))' | ConvertFrom-Json -AsHashtable
`$r = Invoke-VmEventWorkflow -QueueItem `$infinite
`$poison = @(Get-VmEventMessage -Queue Poison)
[pscustomobject]@{ Outcome = "`$(`$r.Outcome)"; Reason = `$r.Reason; Poison = `$poison.Count; Evidence = `$poison[0].Body -match '"n":"-Infinity"' }
"@
            $result.Outcome | Should -Be 'DeadLettered'
            $result.Reason | Should -Be 'Malformed:NonFiniteNumber'
            $result.Poison | Should -Be 1
            $result.Evidence | Should -BeTrue
        }
    }

    Context 'a lone surrogate in a string of the event' {
        It 'is shown by Get-VmEventMessage and poisoned by the worker, which onboards the rest' {
            $environment = New-QueueEnvironment
            $bad = (Get-EventJson $script:Vms[0].Id -Subject ('\ud800' + $script:Vms[0].Id))
            $result = Invoke-FreshPwsh -Environment $environment -Script @"
Import-Module '$script:Module'
`$null = Send-VmEventMessage -Body ([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('$bad')))
`$null = Send-VmEventMessage -VmResourceId '$($script:Vms[1].Id)'
`$peeked = @(Get-VmEventMessage)
`$results = @(Start-VmEventWorker -UntilEmpty | Where-Object Outcome)
`$queues = Get-VmEventQueueStatus
[pscustomobject]@{
    Peeked = `$peeked.Count; Failures = @(`$peeked.ParseFailures)
    Outcomes = @(`$results | ForEach-Object { "`$(`$_.Outcome) `$(`$_.Reason)" } | Sort-Object)
    Main = (`$queues | Where-Object Queue -EQ Main).ApproximateCount; Poison = (`$queues | Where-Object Queue -EQ Poison).ApproximateCount
}
"@
            $result.Peeked | Should -Be 2
            $result.Failures | Should -Be @('Malformed:InvalidUnicode')
            $result.Outcomes | Should -Be @('DeadLettered Malformed:InvalidUnicode', 'Succeeded JobStarted')
            $result.Main | Should -Be 0
            $result.Poison | Should -Be 1
        }

        It 'is a DeadLettered result of Invoke-VmEventWorkflow, not an error' {
            $environment = New-QueueEnvironment
            $bad = (Get-EventJson $script:Vms[0].Id -Subject ('\udc00' + $script:Vms[0].Id))
            $result = Invoke-FreshPwsh -Environment $environment -Script "Import-Module '$script:Module'; `$r = Invoke-VmEventWorkflow '$bad'; [pscustomobject]@{ Outcome = `"`$(`$r.Outcome)`"; Reason = `$r.Reason }"
            $result.Outcome | Should -Be 'DeadLettered'
            $result.Reason | Should -Be 'Malformed:InvalidUnicode'
        }
    }

    Context 'a message of exactly 64 KiB whose attempt fails' {
        It 'goes to the retry queue whole (its original in a blob), and the worker goes on' {
            $environment = New-QueueEnvironment @{ VMEVENTOPS_DBSERVER = (Join-Path $TestDrive 'missing.db') }
            $json = Get-EventJson $script:Vms[2].Id
            $pad = 65536 / 4 * 3 - [Text.Encoding]::UTF8.GetByteCount($json) - ',"pad":""'.Length
            $json = $json.Replace('"data":{', '"data":{"pad":"' + ('p' * $pad) + '",')
            $body = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json))
            $body.Length | Should -Be 65536
            $result = Invoke-FreshPwsh -Environment $environment -Script @"
Import-Module '$script:Module'
`$null = Send-VmEventMessage -Body '$body'
`$results = @(Start-VmEventWorker -UntilEmpty | Where-Object Outcome)
`$queues = Get-VmEventQueueStatus
[pscustomobject]@{
    Outcomes = @(`$results | ForEach-Object { "`$(`$_.Outcome)" })
    Main = (`$queues | Where-Object Queue -EQ Main).ApproximateCount; Retry = (`$queues | Where-Object Queue -EQ Retry).ApproximateCount
    Poison = (`$queues | Where-Object Queue -EQ Poison).ApproximateCount
}
"@
            $result.Outcomes | Should -Be @('RetryScheduled')
            $result.Main | Should -Be 0
            $result.Retry | Should -Be 1
            $result.Poison | Should -Be 0
        }
    }
}
