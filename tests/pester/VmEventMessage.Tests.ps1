BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:Azurite = Start-TestAzurite
    $script:Sub = '11111111-2222-3333-4444-555555555555'
    $script:VmId = "/subscriptions/$script:Sub/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01"
    $script:SendId = 'VmEventOps.Commands.SendVmEventMessageCommand'
}

AfterAll {
    Stop-TestAzurite $script:Azurite
    Remove-Item env:VMEVENTOPS_STORAGECONNECTIONSTRING, env:VMEVENTOPS_ALLOWEDSCOPES, env:VMEVENTOPS_SETTINGS -ErrorAction SilentlyContinue
}

Describe 'Send-VmEventMessage and Get-VmEventMessage' {
    BeforeEach {
        # Queues of each test's own, named through a settings file; storage and scope from the environment layer.
        $suffix = [guid]::NewGuid().ToString('n').Substring(0, 10)
        $settings = Join-Path $TestDrive "queues-$suffix.json"
        Set-Content $settings (@{ QueueName = "m-$suffix"; RetryQueueName = "r-$suffix"; SucceededQueueName = "s-$suffix"; PoisonQueueName = "p-$suffix" } | ConvertTo-Json)
        $env:VMEVENTOPS_SETTINGS = $settings
        $env:VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
        $env:VMEVENTOPS_ALLOWEDSCOPES = "/subscriptions/$script:Sub"
    }

    It 'sends a well-formed ResourceWriteSuccess event that Get-VmEventMessage reads back as accepted' {
        $sent = Send-VmEventMessage -VmResourceId $script:VmId -Reason 'Database was down'
        $sent.PSObject.TypeNames[0] | Should -Be 'VmEventOps.Engine.Queues.SentMessage'
        $sent.Queue | Should -Be 'Main'

        $message = Get-VmEventMessage
        $message.MessageId | Should -Be $sent.MessageId
        $message.Event.Accepted | Should -BeTrue
        $message.Event.VmResourceId | Should -Be $script:VmId
        $message.PopReceipt | Should -BeNullOrEmpty
        # Encoded as Event Grid writes to a queue: base64.
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($message.Body)) | Should -Match '"reason":"Database was down"'
    }

    It 'looks into a queue without any allowed scope: each event not accepted (ScopeNotConfigured), one warning' {
        $null = Send-VmEventMessage -VmResourceId $script:VmId
        $null = Send-VmEventMessage -VmResourceId $script:VmId
        Remove-Item env:VMEVENTOPS_ALLOWEDSCOPES

        $messages = @(Get-VmEventMessage -WarningVariable warnings -WarningAction SilentlyContinue)

        $messages.Count | Should -Be 2
        $messages.Event.Accepted | Should -Be @($false, $false)
        $messages.Event.RejectReason | Should -Be @('ScopeNotConfigured', 'ScopeNotConfigured')
        @($warnings).Count | Should -Be 1
        "$warnings" | Should -Match 'VMEVENTOPS_ALLOWEDSCOPES'
        # Only the workflow refuses.
        { Invoke-VmEventWorkflow -VmResourceId $script:VmId -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'VmScopeNotConfigured*'
    }

    It 'sends nothing with -WhatIf' {
        Send-VmEventMessage -VmResourceId $script:VmId -WhatIf
        Get-VmEventMessage | Should -BeNullOrEmpty
    }

    It 'binds -VmResourceId from a VmEvent on the pipeline' {
        $event = Send-VmEventMessage -VmResourceId $script:VmId | ForEach-Object { (Get-VmEventMessage).Event }
        $sent = $event | Send-VmEventMessage
        $sent.VmResourceId | Should -Be $script:VmId
        @(Get-VmEventMessage).Count | Should -Be 2
    }

    It 'writes a non-terminating VmInvalidResourceId error for an ID that is not a VM' {
        $result = Send-VmEventMessage -VmResourceId "$script:VmId/extensions/ext" -ErrorVariable problems -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be "VmInvalidResourceId,$script:SendId"
    }

    It 'peeks without changing anything, and receives with -Lease' {
        $null = Send-VmEventMessage -VmResourceId $script:VmId
        (Get-VmEventMessage).DequeueCount | Should -Be 0
        (Get-VmEventMessage).DequeueCount | Should -Be 0
        $leased = Get-VmEventMessage -Lease 00:05:00
        $leased.PopReceipt | Should -Not -BeNullOrEmpty
        $leased.DequeueCount | Should -Be 1
        Get-VmEventMessage | Should -BeNullOrEmpty
    }

    It 'moves a leased message back from poison, and only copies a peeked one' {
        $null = Send-VmEventMessage -VmResourceId $script:VmId -Queue Main
        $null = Get-VmEventMessage -Lease 00:05:00 | Send-VmEventMessage -Queue Retry
        @(Get-VmEventMessage -Queue Retry).Count | Should -Be 1

        $moved = Get-VmEventMessage -Queue Retry -Lease 00:05:00 | Send-VmEventMessage
        $moved.MovedFrom | Should -Not -BeNullOrEmpty
        @(Get-VmEventMessage -Queue Retry -MaxMessages 32).Count | Should -Be 0
        @(Get-VmEventMessage -Queue Main).Count | Should -Be 1

        $copy = Get-VmEventMessage | Send-VmEventMessage -Queue Retry -WarningVariable warnings -WarningAction SilentlyContinue
        $copy.MovedFrom | Should -BeNullOrEmpty
        $warnings[0] | Should -Match 'copied'
        @(Get-VmEventMessage -Queue Main).Count | Should -Be 1
    }

    It 'pages through more than 32 messages with -All, with progress, and leaves them visible' {
        1..40 | ForEach-Object { $null = Send-VmEventMessage -VmResourceId ($script:VmId -replace 'vm-01$', "vm-$_") }
        $all = Get-VmEventMessage -All -ProgressAction SilentlyContinue
        $all.Count | Should -Be 40
        ($all.Event.VmName | Sort-Object -Unique).Count | Should -Be 40
        @(Get-VmEventMessage).Count | Should -Be 32
    }

    It 'lets a user find the messages the filter would not onboard' {
        $null = Send-VmEventMessage -VmResourceId $script:VmId
        $null = Send-VmEventMessage -VmResourceId ($script:VmId -replace $script:Sub, '99999999-2222-3333-4444-555555555555')
        $rejected = Get-VmEventMessage | Where-Object { -not $_.Event.Accepted }
        @($rejected).Count | Should -Be 1
        $rejected.Event.RejectReason | Should -Be 'OutOfScope'
    }

    It 'fits its default view in 120 columns' {
        $null = Send-VmEventMessage -VmResourceId $script:VmId
        $text = Get-VmEventMessage | Out-String -Width 120
        $text | Should -Match 'VmName\s+Queue\s+Attempt\s+Accepted\s+Reason'
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 120 }) | Should -BeNullOrEmpty
    }
}
