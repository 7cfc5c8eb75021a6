# deploy/functionapp, as packaged by build.ps1 -Task Package, run the way the Functions host and PowerShell worker run it
# (Invoke-FunctionHost.ps1) against Azurite and the ARM + identity emulators.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Azurite = Start-TestAzurite
    # Five more VMs (vm-load-0001..0005 in rg-load) that no other test onboards, for counting the API's jobs.
    $script:Emulators = Invoke-WithEnvironment @{ VMEVENTOPSTEST_LOAD_VMS = '5' } { Start-TestEmulators }
    $script:Module = Get-TestModulePath
    $script:Database = Join-Path $TestDrive 'app.db'
    Set-Content $script:Database -Value $null   # an empty file is an empty SQLite database
    $script:Key = 'function-key-for-tests'

    function New-AppSettings {
        # The app settings of one test: its own queues and state table, everything else as deploy/infra sets them.
        $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
        (Get-EmulatorEnvironment $script:Emulators) + @{
            VmEventStorage                     = $script:Azurite.ConnectionString   # the queue trigger's "connection"
            VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
            VMEVENTOPS_QUEUENAME               = "fa-$suffix"
            VMEVENTOPS_SUCCEEDEDQUEUENAME      = "fa-$suffix-succeeded"
            VMEVENTOPS_RETRYQUEUENAME          = "fa-$suffix-retry"
            VMEVENTOPS_POISONQUEUENAME         = "fa-$suffix-poison"
            VMEVENTOPS_STATETABLENAME          = "fa$suffix"
            VMEVENTOPS_ALLOWEDSCOPES           = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo,/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-load'
            VMEVENTOPS_DBPROVIDER              = 'Sqlite'
            VMEVENTOPS_DBSERVER                = $script:Database
            VMEVENTOPS_RETRYBASEDELAY          = '00:00:01'
            VMEVENTOPSTEST_FUNCTION_KEY        = $script:Key
        }
    }

    function Get-QueueCounts([hashtable] $Settings) {
        $counts = Invoke-FreshPwsh -Environment $Settings -Script "Import-Module '$script:Module'; `$h = @{}; Get-VmEventQueueStatus | ForEach-Object { `$h[`"`$(`$_.Queue)`"] = `$_.ApproximateCount }; `$h"
        $counts
    }

    function Get-JobCount { (Invoke-RestMethod "$($script:Emulators.ArmEndpoint.TrimEnd('/'))/_emulator/calls" -SkipCertificateCheck).jobs }

    function Send-ToMainQueue([hashtable] $Settings, [string] $Script) {
        $null = Invoke-FreshPwsh -Environment $Settings -Script "Import-Module '$script:Module'; $Script"
    }

    function ConvertTo-Base64([string] $Text) { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Text)) }
}

AfterAll {
    Stop-TestEmulators $script:Emulators
    Stop-TestAzurite $script:Azurite
}

Describe 'The Function app layout' {
    It 'has host.json with the queue settings and base64 message encoding (Event Grid writes base64)' {
        $hostJson = Get-Content -Raw (Join-Path (Get-TestFunctionAppPath) 'host.json') | ConvertFrom-Json
        $queues = $hostJson.extensions.queues
        $queues.messageEncoding | Should -Be 'base64'
        foreach ($name in 'maxPollingInterval', 'visibilityTimeout', 'batchSize', 'maxDequeueCount', 'newBatchThreshold') { $queues.$name | Should -Not -BeNullOrEmpty -Because $name }
        $hostJson.managedDependency.enabled | Should -BeFalse
    }

    It 'carries the built module in Modules/VmEventOps, and requires no managed dependency' {
        $app = Get-TestFunctionAppPath
        Test-Path (Join-Path $app 'Modules/VmEventOps/VmEventOps.psd1') | Should -BeTrue
        Test-Path (Join-Path $app 'Modules/VmEventOps/Dependencies/VmEventOps.Engine.dll') | Should -BeTrue
        (Import-PowerShellDataFile (Join-Path $app 'requirements.psd1')).Count | Should -Be 0
    }

    It 'triggers the retry pass every five minutes and the validation on the configured main queue' {
        $app = Get-TestFunctionAppPath
        (Get-Content -Raw (Join-Path $app 'RetryFunction/function.json') | ConvertFrom-Json).bindings[0].schedule | Should -Be '0 */5 * * * *'
        $queueTrigger = (Get-Content -Raw (Join-Path $app 'ValidationFunction/function.json') | ConvertFrom-Json).bindings[0]
        $queueTrigger.queueName | Should -Be '%VMEVENTOPS_QUEUENAME%'
        $queueTrigger.connection | Should -Be 'VmEventStorage'
        (Get-Content -Raw (Join-Path $app 'ApiFunction/function.json') | ConvertFrom-Json).bindings[0].authLevel | Should -Be 'function'
        # The sweep's schedule is an app setting (deploy/infra: ReconcileSchedule, hourly).
        (Get-Content -Raw (Join-Path $app 'ReconcileFunction/function.json') | ConvertFrom-Json).bindings[0].schedule | Should -Be '%ReconcileSchedule%'
    }
}

Describe 'ValidationFunction (queue trigger)' {
    It 'onboards new VMs, completes duplicates and foreign VMs, and poisons what is not an event' {
        $settings = New-AppSettings
        # Spans to a file: each event's trace must continue the invocation that delivered it ($TraceContext).
        $settings.VMEVENTOPS_TRACEFILE = Join-Path $TestDrive 'function-traces.jsonl'
        $vms = $script:Emulators.Vms
        $jobsBefore = Get-JobCount
        # As Event Grid writes: one event per message, base64. Then a batch (array) of two, a duplicate, a VM outside
        # the allowed scope, and a message that is base64 but no event.
        $eventGrid = (Get-Content -Raw (Join-Path $PSScriptRoot '../samples/azure/eventgrid-resourcewritesuccess-vm.json')) `
            -replace '/subscriptions/x{8}-x{4}-x{4}-x{4}-x{12}/resourcegroups/resource-group/providers/Microsoft.Compute/virtualMachines/vmName', $vms[0].Id
        $batch = "[$((Get-Content -Raw (Join-Path $PSScriptRoot '../samples/azure/eventgrid-resourcewritesuccess-vm.json')) -replace '/subscriptions/x{8}-x{4}-x{4}-x{4}-x{12}/resourcegroups/resource-group/providers/Microsoft.Compute/virtualMachines/vmName', $vms[1].Id),$((Get-Content -Raw (Join-Path $PSScriptRoot '../samples/azure/eventgrid-resourcewritesuccess-vm.json')) -replace '/subscriptions/x{8}-x{4}-x{4}-x{4}-x{12}/resourcegroups/resource-group/providers/Microsoft.Compute/virtualMachines/vmName', $vms[2].Id)]"
        Send-ToMainQueue $settings @"
Send-VmEventMessage -Body '$(ConvertTo-Base64 $eventGrid)' | Out-Null
Send-VmEventMessage -Body '$(ConvertTo-Base64 $batch)' | Out-Null
Send-VmEventMessage -VmResourceId '$($vms[0].Id)' | Out-Null
Send-VmEventMessage -VmResourceId '$($vms[3].Id)' | Out-Null
Send-VmEventMessage -Body '$(ConvertTo-Base64 '{"hello":"world"}')' | Out-Null
"@

        $report = Invoke-FunctionHost ValidationFunction -Environment $settings

        $report.ProfileErrors | Should -BeNullOrEmpty
        # The batch is split into one message per event on the main queue, which the host then delivers: 7 invocations.
        @($report.Invocations).Count | Should -Be 7
        @($report.Invocations | Where-Object { -not $_.Succeeded }) | Should -BeNullOrEmpty
        $report.Poisoned | Should -Be 0
        $log = ($report.Invocations.Information) -join "`n"
        $log | Should -Match 'Succeeded JobStarted .*vm-demo-01'
        # The delivery count comes from $TriggerMetadata through -TriggerMetadata: every message was delivered once.
        $log | Should -Match '\(dequeue 1\): Succeeded'
        $log | Should -Not -Match '\(dequeue 0\)'
        $log | Should -Match 'AlreadyOnboarded'
        $log | Should -Match 'Ignored OutOfScope .*vm-elsewhere'
        $log | Should -Match 'DeadLettered'
        $log | Should -Match 'Ignored SplitBatch:2'
        # Every message span is a child of its invocation's span: one operation per invocation in Application Insights.
        $spans = @(Get-Content $settings.VMEVENTOPS_TRACEFILE | ConvertFrom-Json | Where-Object name -EQ 'VmEventOps.ProcessMessage')
        $spans.Count | Should -Be 7
        foreach ($invocation in $report.Invocations) {
            $null, $traceId, $spanId, $null = $invocation.TraceParent -split '-'
            @($spans | Where-Object { $_.traceId -eq $traceId -and $_.parentSpanId -eq $spanId }).Count | Should -Be 1 -Because $invocation.TraceParent
        }
        $counts = Get-QueueCounts $settings
        $counts.Main | Should -Be 0
        $counts.Succeeded | Should -Be 3
        $counts.Poison | Should -Be 1
        $counts.Retry | Should -Be 0
        (Get-JobCount) - $jobsBefore | Should -Be 3
    }

    It 'offboards a deleted VM once from Event Grid''s ResourceDeleteSuccess, whatever the duplicates, with the rule''s runbook' {
        $settings = New-AppSettings
        $settings.VMEVENTOPS_RULES = '[{ "Name": "all", "Offboarding": { "Runbook": "Offboard-Vm" } }]'
        $vm = Invoke-RestMethod -Method Post -Uri "$($script:Emulators.ArmEndpoint)_emulator/vms" -ContentType 'application/json' -SkipCertificateCheck `
            -Body (@{ resourceGroup = 'rg-demo'; name = 'vm-fa-leaving'; addresses = @('10.0.8.8') } | ConvertTo-Json)
        Send-ToMainQueue $settings "Send-VmEventMessage -VmResourceId '$($vm.Id)' | Out-Null"
        $onboarded = Invoke-FunctionHost ValidationFunction -Environment $settings
        $onboarded.Invocations[0].Information | Should -Match 'Succeeded JobStarted'
        Invoke-RestMethod -Method Post -Uri "$($script:Emulators.ArmEndpoint)_emulator/vms/delete" -ContentType 'application/json' -SkipCertificateCheck -Body (@{ id = $vm.Id } | ConvertTo-Json) | Out-Null
        # The official ResourceDeleteSuccess example, about this VM: its data carries no VM body.
        $delete = (Get-Content -Raw (Join-Path $PSScriptRoot '../samples/azure/eventgrid-resourcedeletesuccess-storage-docs.json')) `
            -replace '/subscriptions/\{subscription-id\}/resourceGroups/\{resource-group\}/providers/Microsoft.Storage/storageAccounts/\{storage-name\}', $vm.Id `
            -replace 'Microsoft\.Storage/storageAccounts/delete', 'Microsoft.Compute/virtualMachines/delete'
        $jobsBefore = Get-JobCount
        Send-ToMainQueue $settings "1..3 | ForEach-Object { Send-VmEventMessage -Body '$(ConvertTo-Base64 $delete)' | Out-Null }"

        $report = Invoke-FunctionHost ValidationFunction -Environment $settings

        @($report.Invocations).Count | Should -Be 3
        @($report.Invocations | Where-Object { -not $_.Succeeded }) | Should -BeNullOrEmpty
        $log = ($report.Invocations.Information) -join "`n"
        @([regex]::Matches($log, 'Offboarded JobStarted:Offboard-Vm')).Count | Should -Be 1
        $log | Should -Match 'Ignored (AlreadyOffboarded|InProgressElsewhere)'
        (Get-JobCount) - $jobsBefore | Should -Be 1
        $state = Invoke-FreshPwsh -Environment $settings -Script "Import-Module '$script:Module'; `"`$((Get-VmOnboardingState -VmResourceId '$($vm.Id)').State)`""
        $state | Should -Be 'Offboarded'
    }

    It 'schedules a retry when the database is not up yet, and the timer''s retry pass onboards the VM once it is' {
        $settings = New-AppSettings
        $lateDatabase = Join-Path $TestDrive "late-$([guid]::NewGuid().ToString('n')).db"
        $settings.VMEVENTOPS_DBSERVER = $lateDatabase
        $vmId = $script:Emulators.Vms[0].Id
        Send-ToMainQueue $settings "Send-VmEventMessage -VmResourceId '$vmId' | Out-Null"

        $first = Invoke-FunctionHost ValidationFunction -Environment $settings
        $first.Invocations[0].Succeeded | Should -BeTrue
        $first.Invocations[0].Information | Should -Match 'RetryScheduled'
        (Get-QueueCounts $settings).Retry | Should -Be 1

        Set-Content $lateDatabase -Value $null
        Start-Sleep -Seconds 2   # the first retry is due after 1 s (+/- 20 %)
        $timer = Invoke-FunctionHost RetryFunction -Environment $settings
        $timer.ProfileErrors | Should -BeNullOrEmpty
        $timer.Invocations[0].Succeeded | Should -BeTrue
        $log = $timer.Invocations[0].Information -join "`n"
        $log | Should -Match 'retry pass: 1 processed \(1 Succeeded\)'
        $log | Should -Match 'VmEventOpsQueueStatus \{"main":0,"retry":0,"succeeded":1,"poison":0\}'
        $counts = Get-QueueCounts $settings
        $counts.Retry | Should -Be 0
        $counts.Succeeded | Should -Be 1
    }

    It 'defers a message Compute throttles with Retry-After 1200 without using an attempt, well inside functionTimeout' {
        $settings = New-AppSettings
        Send-ToMainQueue $settings "Send-VmEventMessage -VmResourceId '$($script:Emulators.Vms[2].Id)' | Out-Null"
        $fault = @{ route = 'vm'; status = 429; retryAfterSeconds = 1200; unwrapped = $true } | ConvertTo-Json -Compress
        Invoke-RestMethod -Method Post -Uri "$($script:Emulators.ArmEndpoint)_emulator/faults" -Body $fault -ContentType 'application/json' | Out-Null

        $report = Invoke-FunctionHost ValidationFunction -Environment $settings

        $report.Invocations[0].Succeeded | Should -BeTrue -Because $report.Invocations[0].Error
        $report.Invocations[0].Information | Should -Match 'RetryScheduled Throttled'
        $report.Poisoned | Should -Be 0
        $counts = Get-QueueCounts $settings
        $counts.Retry | Should -Be 1
        $counts.Poison | Should -Be 0
    }

    It 'defers a message whose Retry-After is longer than the invocation has left, instead of the host ending the invocation at functionTimeout' {
        # functionTimeout 30 s (the app setting that overrides host.json, as in Azure); the NIC's Retry-After of 45 s is
        # within ArmMaxRetryWait, but not within the invocation: profile.ps1 hands the timeout to the module.
        $settings = New-AppSettings
        $settings.AzureFunctionsJobHost__functionTimeout = '00:00:30'
        Send-ToMainQueue $settings "Send-VmEventMessage -VmResourceId '$($script:Emulators.Vms[2].Id)' | Out-Null"
        $fault = @{ route = 'nic'; status = 429; retryAfterSeconds = 45 } | ConvertTo-Json -Compress
        Invoke-RestMethod -Method Post -Uri "$($script:Emulators.ArmEndpoint)_emulator/faults" -Body $fault -ContentType 'application/json' | Out-Null

        $report = Invoke-FunctionHost ValidationFunction -Environment $settings

        $report.Invocations[0].Succeeded | Should -BeTrue -Because $report.Invocations[0].Error
        $report.Invocations[0].Information | Should -Match 'RetryScheduled Throttled'
        (Get-QueueCounts $settings).Retry | Should -Be 1
    }

    It 'fails the invocation when the workflow cannot run, so the host shows the message again' {
        # A setting the module refuses stands for any failure before the message is routed: the profile reports it at
        # the cold start, and every invocation fails instead of completing the message unrouted.
        $settings = New-AppSettings
        Send-ToMainQueue $settings "Send-VmEventMessage -VmResourceId '$($script:Emulators.Vms[0].Id)' | Out-Null"
        $settings.VMEVENTOPS_MAXATTEMPTS = 'many'
        $report = Invoke-FunctionHost ValidationFunction -Environment $settings
        $report.ProfileErrors | Should -Match 'VMEVENTOPS_MAXATTEMPTS'
        $report.Invocations[0].Succeeded | Should -BeFalse
        $report.Invocations[0].Error | Should -Match '^VmConfigInvalidValue'
        $settings.Remove('VMEVENTOPS_MAXATTEMPTS')
        # Still on the main queue (invisible until the host's lease runs out), nothing routed anywhere.
        $counts = Get-QueueCounts $settings
        $counts.Succeeded + $counts.Retry + $counts.Poison | Should -Be 0
        (Invoke-FreshPwsh -Environment $settings -Script "Import-Module '$script:Module'; (Get-VmEventQueueStatus | Where-Object Queue -eq Main).Exists") | Should -BeTrue
    }

    It 'reports a rule that is not valid at the cold start, and defers the event to the retry queue without using an attempt' {
        $settings = New-AppSettings
        Send-ToMainQueue $settings "Send-VmEventMessage -VmResourceId '$($script:Emulators.Vms[0].Id)' | Out-Null"
        $settings.VMEVENTOPS_RULES = '[{ "Name": "broken", "Checks": [{ "Kind": "Ping" }] }]'
        $report = Invoke-FunctionHost ValidationFunction -Environment $settings
        $report.ProfileErrors -join "`n" | Should -Match 'broken'
        $report.Invocations[0].Succeeded | Should -BeTrue -Because $report.Invocations[0].Error
        $report.Invocations[0].Information | Should -Match 'RetryScheduled Rules: VmRuleCheckInvalid'
        $counts = Get-QueueCounts $settings
        $counts.Retry, $counts.Poison | Should -Be 1, 0
    }

    It 'reports a wrong setting at the cold start without a secret the setting holds' {
        # A URI whose user information is a password, and a known secret pasted into a setting that quotes wrong values.
        $settings = New-AppSettings
        Send-ToMainQueue $settings "Send-VmEventMessage -VmResourceId '$($script:Emulators.Vms[0].Id)' | Out-Null"
        $settings.VMEVENTOPS_QUEUESERVICEURI = 'ftp://svc:Planted-Uri-Password-2c4d@acct.queue.core.windows.net/'
        $uri = Invoke-FunctionHost ValidationFunction -Environment $settings
        $uri.ProfileErrors -join "`n" | Should -Match 'QueueServiceUri'
        ($uri | ConvertTo-Json -Depth 8) | Should -Not -Match 'Planted-Uri-Password'

        $settings = New-AppSettings
        Send-ToMainQueue $settings "Send-VmEventMessage -VmResourceId '$($script:Emulators.Vms[0].Id)' | Out-Null"
        $settings.VMEVENTOPS_CLIENTSECRET = 'Planted-Pasted-Secret-5e6f!'
        $settings.VMEVENTOPS_RUNBOOKNAME = 'Planted-Pasted-Secret-5e6f!'
        $pasted = Invoke-FunctionHost ValidationFunction -Environment $settings
        $pasted.ProfileErrors -join "`n" | Should -Match "RunbookName .* the value '\*\*\*'"
        ($pasted | ConvertTo-Json -Depth 8) | Should -Not -Match 'Planted-Pasted-Secret'
    }

    It 'reports at the cold start a Key Vault reference App Service could not resolve, naming the secret, and starts clean once the secret exists' {
        # App Service leaves an unresolvable reference as its text: the profile says why; the invocation fails until it is fixed.
        $settings = New-AppSettings
        Send-ToMainQueue $settings "Send-VmEventMessage -VmResourceId '$($script:Emulators.Vms[0].Id)' | Out-Null"
        $settings.VMEVENTOPS_OTLPHEADERS = "@Microsoft.KeyVault(SecretUri=$($script:Emulators.KeyVaultUri)secrets/otlp-headers)"
        $broken = Invoke-FunctionHost ValidationFunction -Environment $settings
        $broken.ProfileErrors | Should -Match "VmKeyVaultSecretNotFound|secret 'otlp-headers'"
        $broken.ProfileErrors -join "`n" | Should -Match "Key Vault '127\.0\.0\.1:\d+', secret 'otlp-headers'"
        $broken.Invocations[0].Succeeded | Should -BeFalse
        $broken.Invocations[0].Error | Should -Match '^VmKeyVaultSecretNotFound'

        # The secret created in the vault: the next cold start is clean and the message is onboarded (the host showed it again).
        Invoke-RestMethod -SkipCertificateCheck -Method Put -Uri "$($script:Emulators.KeyVaultUri)_emulator/secrets/otlp-headers" -Body 'x-api-key=unused' -ContentType 'text/plain' | Out-Null
        Start-Sleep -Seconds 1
        $fixed = Invoke-FunctionHost ValidationFunction -Environment $settings
        $fixed.ProfileErrors | Should -BeNullOrEmpty
    }
}

Describe 'RetryFunction (timer)' {
    It 'warns when the run is late and reports empty queues' {
        $settings = New-AppSettings
        $report = Invoke-FunctionHost RetryFunction -Environment $settings -PastDue
        $report.Invocations[0].Succeeded | Should -BeTrue
        $report.Invocations[0].Warnings | Should -Match 'later than scheduled'
        $report.Invocations[0].Information -join "`n" | Should -Match 'retry pass: 0 processed \(none\) in [\d.]+ s, stopped because Empty'
    }
}

Describe 'ReconcileFunction (timer)' {
    It 'queues every VM in scope that was never onboarded, replays the dead letters and logs one summary line' {
        $settings = New-AppSettings
        $settings.VMEVENTOPS_DEADLETTERCONTAINERNAME = "fa-dl-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
        $lost = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/vm-demo-gone'
        Set-TestBlob -Azurite $script:Azurite -Container $settings.VMEVENTOPS_DEADLETTERCONTAINERNAME -Name 'SUB/2026/12/1/9/a.json' `
            -Text ('[{"id":"1","eventType":"Microsoft.Resources.ResourceWriteSuccess","subject":"' + $lost + '","eventTime":"2026-12-01T09:00:00Z","data":{"operationName":"Microsoft.Compute/virtualMachines/write","resourceUri":"' + $lost + '"},"dataVersion":"2","metadataVersion":"1","deadLetterReason":"MaxDeliveryAttemptsExceeded","deliveryAttempts":30,"lastDeliveryOutcome":"TimedOut"}]')
        $report = Invoke-FunctionHost ReconcileFunction -Environment $settings
        $report.Invocations[0].Succeeded | Should -BeTrue -Because ($report.Invocations[0] | ConvertTo-Json -Depth 5)
        $line = @($report.Invocations[0].Information | Where-Object { $_ -like 'VmEventOpsReconcile *' })
        $line.Count | Should -Be 1
        $summary = $line[0].Substring('VmEventOpsReconcile '.Length) | ConvertFrom-Json
        $summary.vms | Should -Be 10   # rg-demo and rg-load
        $summary.queued | Should -Be 10
        $summary.deadLettersReplayed | Should -Be 1
        $summary.complete | Should -BeTrue
        (Get-QueueCounts $settings).Main | Should -Be 11
        $report.Invocations[0].Information -join "`n" | Should -Match 'VmEventOps sweep: Replayed vm-demo-gone'
    }
}

Describe 'ApiFunction (HTTP)' {
    BeforeAll {
        $script:ApiSettings = New-AppSettings
        # A planted secret setting (SQLite takes no password; a service principal secret, unused in managed-identity mode).
        $script:PlantedPassword = "Planted-Secret-$([guid]::NewGuid().ToString('n'))"
        $script:ApiSettings.VMEVENTOPS_CLIENTSECRET = $script:PlantedPassword
        $script:VmId = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-load/providers/Microsoft.Compute/virtualMachines/vm-load-0001'
        $requests = @(
            @{ Method = 'GET'; Path = '/api/vm-events/status'; Query = @{ code = $script:Key } }
            @{ Method = 'POST'; Path = '/api/vm-events/onboard'; Headers = @{ 'x-functions-key' = $script:Key; 'Content-Type' = 'application/json' }; Body = (@{ vmResourceId = $script:VmId } | ConvertTo-Json) }
            @{ Method = 'POST'; Path = '/api/vm-events/onboard'; Query = @{ code = $script:Key; vmResourceId = $script:VmId; force = 'true' } }
            @{ Method = 'POST'; Path = '/api/vm-events/onboard'; Query = @{ code = $script:Key }; Body = '{"vmResourceId": "/subscriptions/not-a-vm"}' }
            @{ Method = 'POST'; Path = '/api/vm-events/onboard'; Query = @{ code = $script:Key }; Body = '{"force": true}' }
            @{ Method = 'POST'; Path = '/api/vm-events/onboard'; Query = @{ code = $script:Key }; Body = '[1, 2]' }
            @{ Method = 'POST'; Path = '/api/vm-events/onboard'; Query = @{ code = $script:Key }; Body = (@{ vmResourceId = $script:VmId; force = 'yes' } | ConvertTo-Json) }
            @{ Method = 'GET'; Path = '/api/vm-events/onboard'; Query = @{ code = $script:Key } }
            @{ Method = 'GET'; Path = '/api/vm-events/reboot'; Query = @{ code = $script:Key } }
            @{ Method = 'GET'; Path = '/api/vm-events/status' }
            @{ Method = 'GET'; Path = '/api/vm-events/trail'; Query = @{ code = $script:Key; vmResourceId = $script:VmId } }
            @{ Method = 'GET'; Path = '/api/vm-events/trail'; Query = @{ code = $script:Key; vmResourceId = 'not-a-vm' } }
            @{ Method = 'GET'; Path = '/api/vm-events/trail'; Query = @{ code = $script:Key } }
            @{ Method = 'GET'; Path = '/api/vm-events/compliance'; Query = @{ code = $script:Key; summary = 'true' } }
            @{ Method = 'GET'; Path = '/api/vm-events/compliance'; Query = @{ code = $script:Key; status = 'Onboarded' } }
            @{ Method = 'GET'; Path = '/api/vm-events/compliance'; Query = @{ code = $script:Key; status = 'Lost' } }
            @{ Method = 'POST'; Path = '/api/vm-events/compliance'; Query = @{ code = $script:Key } }
        )
        $script:JobsBefore = Get-JobCount
        $script:Api = Invoke-FunctionHost ApiFunction -Environment $script:ApiSettings -Requests $requests
        $script:Responses = @($script:Api.Invocations | ForEach-Object { $_.Response })
        function Get-Body([int] $Index) { $script:Responses[$Index].Body | ConvertFrom-Json }
    }

    It 'reports the four queues and their health on GET status' {
        $script:Responses[0].StatusCode | Should -Be 200
        $script:Responses[0].ContentType | Should -Be 'application/json'
        $body = Get-Body 0
        $body.queues.queue | Should -Be @('Main', 'Retry', 'Succeeded', 'Poison')
        $body.healthy | Should -BeFalse   # the main queue does not exist yet: Event Grid would have nowhere to deliver
        ($body.queues | Where-Object queue -EQ 'Main').reason | Should -Not -BeNullOrEmpty
    }

    It 'onboards a VM on POST onboard, and with force finds the same job instead of starting another' {
        $script:Responses[1].StatusCode | Should -Be 200
        $first = Get-Body 1
        $first.outcome | Should -Be 'Succeeded' -Because $script:Responses[1].Body
        $first.vmResourceId | Should -Be $script:VmId
        $first.privateIpAddress | Should -Be '10.10.1.4'
        $again = Get-Body 2
        $again.outcome | Should -Be 'Succeeded' -Because $script:Responses[2].Body
        $again.jobId | Should -Be $first.jobId
        (Get-JobCount) - $script:JobsBefore | Should -Be 1
    }

    It 'answers GET compliance as Get-VmOnboardingCompliance does: counts by status and scope, or one row per VM' {
        $script:Responses[13].StatusCode | Should -Be 200 -Because $script:Responses[13].Body
        $summary = Get-Body 13
        $summary.complete | Should -BeTrue
        ($summary.summary | Measure-Object -Property count -Sum).Sum | Should -Be 10
        ($summary.summary | Where-Object { $_.status -eq 'Onboarded' -and $_.scope -like '*/rg-load' }).count | Should -Be 1
        $onboarded = Get-Body 14
        @($onboarded.vms).Count | Should -Be 1
        $onboarded.vms[0].vmResourceId | Should -Be $script:VmId
        $onboarded.vms[0].status | Should -Be 'Onboarded'
        $onboarded.vms[0].ageSeconds | Should -BeGreaterOrEqual 0
        $script:Responses[15].StatusCode | Should -Be 400
        (Get-Body 15).error.code | Should -Be 'VmApiInvalidStatus'
        $script:Responses[16].StatusCode | Should -Be 405
    }

    It 'answers bad input with 400 and a JSON error with a stable code' {
        $expected = @{ 3 = 'VmInvalidResourceId'; 4 = 'VmApiMissingVmResourceId'; 5 = 'VmApiInvalidBody'; 6 = 'VmApiInvalidForce' }
        foreach ($index in $expected.Keys) {
            $script:Responses[$index].StatusCode | Should -Be 400 -Because "request $index"
            (Get-Body $index).error.code | Should -Be $expected[$index] -Because "request $index"
            (Get-Body $index).error.message | Should -Not -BeNullOrEmpty
        }
    }

    It 'answers a wrong method with 405, an unknown action with 404, and a request without the function key with 401' {
        $script:Responses[7].StatusCode | Should -Be 405
        (Get-Body 7).error.code | Should -Be 'VmApiMethodNotAllowed'
        $script:Responses[8].StatusCode | Should -Be 404
        (Get-Body 8).error.code | Should -Be 'VmApiUnknownAction'
        $script:Responses[9].StatusCode | Should -Be 401
        @($script:Api.Invocations | Where-Object { $_.Errors }) | Should -BeNullOrEmpty
    }

    It 'tells what happened to a VM on GET trail, in time order, and answers a bad or missing VM ID with 400' {
        $script:Responses[10].StatusCode | Should -Be 200 -Because $script:Responses[10].Body
        $trail = Get-Body 10
        $trail.vmResourceId | Should -Be $script:VmId
        $trail.entries.source | Should -Contain 'State'
        $trail.entries.source | Should -Contain 'SucceededQueue'
        ($trail.entries | Where-Object source -EQ 'SucceededQueue')[0].status | Should -Be 'Succeeded'
        @($trail.entries.time) | Should -Be @($trail.entries.time | Sort-Object)
        $script:Responses[11].StatusCode | Should -Be 400
        (Get-Body 11).error.code | Should -Be 'VmInvalidResourceId'
        $script:Responses[12].StatusCode | Should -Be 400
        (Get-Body 12).error.code | Should -Be 'VmApiMissingVmResourceId'
    }

    It 'answers a failure of its own with 500, the ErrorId and a correlation id only, and logs the details under that id' {
        # Storage that does not answer: the onboarding fails inside, not because of the request.
        $settings = New-AppSettings
        $settings.VMEVENTOPS_STORAGECONNECTIONSTRING = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$($script:Azurite.AccountKey);QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1"
        $settings.VMEVENTOPS_CLIENTSECRET = $script:PlantedPassword
        $report = Invoke-FunctionHost ApiFunction -Environment $settings -Requests @(
            @{ Method = 'POST'; Path = '/api/vm-events/onboard'; Query = @{ code = $script:Key; vmResourceId = $script:VmId } })
        $response = $report.Invocations[0].Response
        $response.StatusCode | Should -Be 500
        $body = $response.Body | ConvertFrom-Json
        $body.error.code | Should -Match '^Vm[A-Za-z]+$'
        $body.error.code | Should -Not -Be 'VmUnexpectedError'
        [guid]::Parse($body.error.correlationId) | Should -Not -BeNullOrEmpty
        $body.error.message | Should -Not -Match '127\.0\.0\.1|devstoreaccount1|:9'
        $body.error.message | Should -Match ([regex]::Escape($body.error.correlationId))
        $log = ($report.Invocations[0].Warnings + $report.Invocations[0].Errors) -join "`n"
        $log | Should -Match ([regex]::Escape($body.error.correlationId))
        $log | Should -Match ([regex]::Escape($body.error.code))
        ($report | ConvertTo-Json -Depth 8) | Should -Not -Match ([regex]::Escape($script:PlantedPassword))
        ($report | ConvertTo-Json -Depth 8) | Should -Not -Match ([regex]::Escape($script:Azurite.AccountKey))
    }

    It 'shows no secret in any response or log' {
        $everything = $script:Api | ConvertTo-Json -Depth 8
        $everything | Should -Not -Match ([regex]::Escape($script:PlantedPassword))
        $everything | Should -Not -Match ([regex]::Escape($script:Azurite.AccountKey))
        $everything | Should -Not -Match ([regex]::Escape($script:Emulators.IdentityHeader))
    }
}

Describe 'UiFunction (the dashboard behind App Service Authentication) and the API''s dashboard reads' {
    BeforeAll {
        function ConvertTo-Principal([string] $Name, [string[]] $Roles = @(), [string[]] $Groups = @()) {
            # X-MS-CLIENT-PRINCIPAL as App Service Authentication sends it: base64 JSON with auth_typ, claims, name_typ, role_typ.
            $claims = @(@{ typ = 'name'; val = $Name }) + @($Roles | ForEach-Object { @{ typ = 'roles'; val = $_ } }) + @($Groups | ForEach-Object { @{ typ = 'groups'; val = $_ } })
            ConvertTo-Base64 (@{ auth_typ = 'aad'; name_typ = 'name'; role_typ = 'roles'; claims = $claims } | ConvertTo-Json -Depth 4 -Compress)
        }
        $script:UiSettings = New-AppSettings
        $script:UiSettings.VMEVENTOPS_DASHBOARDACTIONROLES = 'VmEventOps.Operator'
        $script:UiVm = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-load/providers/Microsoft.Compute/virtualMachines/vm-load-0002'
        $operator = ConvertTo-Principal 'alice@contoso.example' -Roles 'VmEventOps.Operator'
        $reader = ConvertTo-Principal 'bob@contoso.example' -Roles 'Reader'
        $onboard = (@{ vmResourceId = $script:UiVm } | ConvertTo-Json)
        $requests = @(
            @{ Method = 'GET'; Path = '/api/ui/' }
            @{ Method = 'GET'; Path = '/api/ui/app.js' }
            @{ Method = 'GET'; Path = '/api/ui/../host.json' }
            @{ Method = 'GET'; Path = '/api/ui/api/status'; Headers = @{ 'X-MS-CLIENT-PRINCIPAL' = $reader; 'X-VmEventOps-Request' = 'dashboard' } }
            @{ Method = 'POST'; Path = '/api/ui/api/onboard'; Headers = @{ 'X-MS-CLIENT-PRINCIPAL' = $reader; 'X-VmEventOps-Request' = 'dashboard'; 'Content-Type' = 'application/json' }; Body = $onboard }
            @{ Method = 'POST'; Path = '/api/ui/api/onboard'; Headers = @{ 'X-MS-CLIENT-PRINCIPAL' = $operator; 'Content-Type' = 'application/json' }; Body = $onboard }
            @{ Method = 'POST'; Path = '/api/ui/api/onboard'; Headers = @{ 'X-MS-CLIENT-PRINCIPAL' = $operator; 'X-VmEventOps-Request' = 'dashboard'; 'Content-Type' = 'application/json' }; Body = $onboard }
            @{ Method = 'GET'; Path = '/api/ui/api/records'; Headers = @{ 'X-VmEventOps-Request' = 'dashboard' } }
        )
        $withAuth = $script:UiSettings.Clone()
        $withAuth.WEBSITE_AUTH_ENABLED = 'True'
        $script:Ui = @((Invoke-FunctionHost UiFunction -Environment $withAuth -Requests $requests).Invocations | ForEach-Object { $_.Response })
        # The same principal headers, forged, while App Service Authentication is off: nobody is signed in.
        $script:Forged = @((Invoke-FunctionHost UiFunction -Environment $script:UiSettings -Requests @($requests[3], $requests[6])).Invocations | ForEach-Object { $_.Response })
        $script:Reads = @((Invoke-FunctionHost ApiFunction -Environment $script:UiSettings -Requests @(
                    @{ Method = 'GET'; Path = '/api/vm-events/health'; Query = @{ code = $script:Key; hours = '6' } }
                    @{ Method = 'GET'; Path = '/api/vm-events/records'; Query = @{ code = $script:Key; state = 'Succeeded' } }
                    @{ Method = 'GET'; Path = '/api/vm-events/poison'; Query = @{ code = $script:Key } }
                    @{ Method = 'GET'; Path = '/api/vm-events/records'; Query = @{ code = $script:Key; pageSize = '0' } }
                )).Invocations | ForEach-Object { $_.Response })
    }

    It 'serves the UI with its Content-Security-Policy, and only its own files' {
        $script:Ui[0].StatusCode | Should -Be 200
        $script:Ui[0].ContentType | Should -Match '^text/html'
        $script:Ui[0].Body | Should -Match '<script src="app.js"'
        $script:Ui[0].Headers.'Content-Security-Policy' | Should -Match "script-src 'self'"
        $script:Ui[1].ContentType | Should -Match '^text/javascript'
        $script:Ui[2].StatusCode | Should -Be 404
    }

    It 'lets a signed-in principal read, and act only with a role for actions and the dashboard''s header' {
        $script:Ui[3].StatusCode | Should -Be 200 -Because $script:Ui[3].Body
        ($script:Ui[3].Body | ConvertFrom-Json).queues.queue | Should -Be @('Main', 'Retry', 'Succeeded', 'Poison')
        $script:Ui[4].StatusCode | Should -Be 403
        ($script:Ui[4].Body | ConvertFrom-Json).error.code | Should -Be 'VmApiForbidden'
        $script:Ui[5].StatusCode | Should -Be 403 -Because 'a cross-site POST carries the cookie but not the header'
        $script:Ui[6].StatusCode | Should -Be 200 -Because $script:Ui[6].Body
        ($script:Ui[6].Body | ConvertFrom-Json).outcome | Should -Be 'Succeeded'
        $script:Ui[7].StatusCode | Should -Be 401
    }

    It 'answers nobody while App Service Authentication is off, whatever principal header a request brings' {
        $script:Forged | ForEach-Object { $_.StatusCode | Should -Be 401 }
        ($script:Forged[0].Body | ConvertFrom-Json).error.message | Should -Match 'not enabled'
    }

    It 'answers the dashboard''s reads on the function key: health, records and poison, and 400 for a bad page size' {
        $script:Reads[0].StatusCode | Should -Be 200 -Because $script:Reads[0].Body
        (($script:Reads[0].Body | ConvertFrom-Json).outcomes.hours).Count | Should -Be 6
        $script:Reads[1].StatusCode | Should -Be 200
        ($script:Reads[1].Body | ConvertFrom-Json).total | Should -BeGreaterOrEqual 0
        $script:Reads[2].StatusCode | Should -Be 200
        ($script:Reads[2].Body | ConvertFrom-Json).messages.Count | Should -BeGreaterOrEqual 0
        $script:Reads[3].StatusCode | Should -Be 400
        ($script:Reads[3].Body | ConvertFrom-Json).error.code | Should -Be 'VmApiInvalidQuery'
    }
}
