BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $samples = Join-Path $PSScriptRoot '../samples/azure'
    $script:Sub = '11111111-2222-3333-4444-555555555555'
    $script:VmEvent = (Get-Content (Join-Path $samples 'eventgrid-resourcewritesuccess-vm.json') -Raw).Replace('xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', $script:Sub)
    $script:StorageEvent = Get-Content (Join-Path $samples 'cloudevent-resourcewritesuccess-storage-docs.json') -Raw
    $script:CommandId = 'VmEventOps.Commands.ConvertFromVmEventCommand'
}

Describe 'ConvertFrom-VmEvent' {
    AfterEach { Remove-Item env:VMEVENTOPS_ALLOWEDSCOPES -ErrorAction SilentlyContinue }

    It 'reads a VM-create event and accepts it in scope' {
        $vmEvent = $script:VmEvent | ConvertFrom-VmEvent -AllowedScope "/subscriptions/$script:Sub"
        $vmEvent.PSObject.TypeNames[0] | Should -Be 'VmEventOps.Engine.Events.VmEvent'
        $vmEvent.Accepted | Should -BeTrue
        $vmEvent.VmName | Should -Be 'vmName'
        $vmEvent.VmResourceId | Should -Be "/subscriptions/$script:Sub/resourceGroups/resource-group/providers/Microsoft.Compute/virtualMachines/vmName"
    }

    It 'gives the same event for base64 and raw JSON' {
        $base64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($script:VmEvent))
        $fromBase64 = ConvertFrom-VmEvent $base64 -AllowedScope '*'
        $fromRaw = ConvertFrom-VmEvent $script:VmEvent -AllowedScope '*'
        $fromBase64.EventId | Should -Be $fromRaw.EventId
        $fromBase64.Raw | Should -Be $fromRaw.Raw
    }

    It 'reads a hashtable as the Functions worker hands a queue item over' {
        $item = $script:VmEvent | ConvertFrom-Json -AsHashtable
        $vmEvent = $item | ConvertFrom-VmEvent -AllowedScope '*'
        $vmEvent.Accepted | Should -BeTrue
        $vmEvent.EventId | Should -Be '0605b293-e06e-48ac-a16d-9322fe8e24dd'
    }

    It 'reads a PSCustomObject too' {
        ($script:VmEvent | ConvertFrom-Json | ConvertFrom-VmEvent -AllowedScope '*').VmName | Should -Be 'vmName'
    }

    It 'writes one event per element of a batch' {
        @(ConvertFrom-VmEvent "[$script:VmEvent,$script:VmEvent,$script:VmEvent]" -AllowedScope '*').Count | Should -Be 3
    }

    It 'rejects with <Reason> when <Case>' -ForEach @(
        @{ Case = 'the resource is not a VM'; Reason = 'NotVmWrite'; Scope = '*'; Mutate = { param($e) $script:StorageEvent } }
        @{ Case = 'the write failed'; Reason = 'NotSucceeded'; Scope = '*'; Mutate = { param($e) $e.Replace('"status": "Succeeded"', '"status": "Failed"') } }
        @{ Case = 'the VM is outside every scope'; Reason = 'OutOfScope'; Scope = '/subscriptions/99999999-2222-3333-4444-555555555555'; Mutate = { param($e) $e } }
    ) {
        $vmEvent = & $Mutate $script:VmEvent | ConvertFrom-VmEvent -AllowedScope $Scope
        $vmEvent.Accepted | Should -BeFalse
        $vmEvent.RejectReason | Should -Be $Reason
    }

    It 'writes a non-terminating VmEventMalformed error for input that is not an event, and goes on' {
        $events = 'not json', $script:VmEvent | ConvertFrom-VmEvent -AllowedScope '*' -ErrorVariable problems -ErrorAction SilentlyContinue
        @($events).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be "VmEventMalformed,$script:CommandId"
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $problems[0].ToString() | Should -Match 'Malformed:NotJson'
    }

    It 'takes the scopes from VMEVENTOPS_ALLOWEDSCOPES' {
        $env:VMEVENTOPS_ALLOWEDSCOPES = "/subscriptions/$script:Sub/resourceGroups/resource-group"
        ($script:VmEvent | ConvertFrom-VmEvent).Accepted | Should -BeTrue
    }

    It 'shows events without any allowed scope as not accepted (ScopeNotConfigured), with one warning naming the setting' {
        $events = @($script:VmEvent, $script:VmEvent | ConvertFrom-VmEvent -WarningVariable warnings -WarningAction SilentlyContinue)
        $events.Count | Should -Be 2
        $events.Accepted | Should -Be @($false, $false)
        $events.RejectReason | Should -Be @('ScopeNotConfigured', 'ScopeNotConfigured')
        @($warnings).Count | Should -Be 1
        "$warnings" | Should -Match 'VMEVENTOPS_ALLOWEDSCOPES'
    }

    It 'shows events in a table that fits 120 columns' {
        $text = $script:VmEvent, $script:StorageEvent | ConvertFrom-VmEvent -AllowedScope '*' | Out-String -Width 120
        $text | Should -Match 'VmName\s+ResourceGroup\s+Accepted\s+RejectReason'
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 120 }) | Should -BeNullOrEmpty
    }
}
