# deploy/runbooks, run as Azure Automation runs a PowerShell 7.4 runbook: the script with its named parameters (a job's
# parameters are JSON texts that Automation decodes first), the module from the account's modules, the account's
# managed identity announced through IDENTITY_ENDPOINT / IDENTITY_HEADER, and Get-AutomationVariable for variables.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Azurite = Start-TestAzurite
    $script:Emulators = Start-TestEmulators
    $script:Module = Get-TestModulePath
    $script:Runbooks = Join-Path $PSScriptRoot '../../deploy/runbooks'
    $script:Database = Join-Path $TestDrive 'app.db'
    Set-Content $script:Database -Value $null

    function New-Settings {
        $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
        (Get-EmulatorEnvironment $script:Emulators) + @{
            VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
            VMEVENTOPS_QUEUENAME               = "rb-$suffix"
            VMEVENTOPS_SUCCEEDEDQUEUENAME      = "rb-$suffix-succeeded"
            VMEVENTOPS_RETRYQUEUENAME          = "rb-$suffix-retry"
            VMEVENTOPS_POISONQUEUENAME         = "rb-$suffix-poison"
            VMEVENTOPS_STATETABLENAME          = "rb$suffix"
            VMEVENTOPS_ALLOWEDSCOPES           = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo'
            VMEVENTOPS_DBPROVIDER              = 'Sqlite'
            VMEVENTOPS_DBSERVER                = $script:Database
        }
    }

    function Invoke-Runbook([string] $Name, [hashtable] $Parameters, [hashtable] $Environment = @{}, [hashtable] $AutomationVariables) {
        # A fresh pwsh per job, as a sandbox is; the output stream as lines, and whether the job failed and why.
        $file = Join-Path $TestDrive "job-$([guid]::NewGuid().ToString('n')).ps1"
        $variables = if ($AutomationVariables) { ConvertTo-Json -InputObject $AutomationVariables -Compress } else { '' }
        Set-Content $file @"
`$ErrorActionPreference = 'Stop'
`$parameters = '$(ConvertTo-Json -InputObject $Parameters -Compress)' | ConvertFrom-Json -AsHashtable
if ('$variables') {
    `$global:AutomationVariables = '$variables' | ConvertFrom-Json -AsHashtable
    # Automation's own cmdlet: the variable's value, or an error when the account has no such variable.
    function global:Get-AutomationVariable([Parameter(Mandatory)] [string] `$Name) {
        if (-not `$global:AutomationVariables.ContainsKey(`$Name)) { throw "Variable asset '`$Name' not found." }
        `$global:AutomationVariables[`$Name]
    }
}
`$job = [ordered]@{ Status = 'Completed'; Output = @(); Warnings = @(); Exception = `$null }
try {
    foreach (`$record in & '$(Join-Path $script:Runbooks "$Name.ps1")' @parameters *>&1) {
        if (`$record -is [Management.Automation.WarningRecord]) { `$job.Warnings += `$record.Message }
        elseif (`$record -is [Management.Automation.ErrorRecord]) { `$job.Output += "ERROR: `$record" }
        elseif (`$record -isnot [Management.Automation.InformationalRecord] -and `$record -isnot [Management.Automation.InformationRecord]) { `$job.Output += "`$record" }
    }
}
catch { `$job.Status = 'Failed'; `$job.Exception = "`$_" }
`$job | ConvertTo-Json -Compress
"@
        Invoke-PwshFile -Path $file -Environment $Environment
    }
}

AfterAll {
    Stop-TestEmulators $script:Emulators
    Stop-TestAzurite $script:Azurite
}

Describe 'Start-VmOnboarding runbook' {
    It 'runs with the very parameters the workflow starts its job with, and writes the onboarding record last' {
        $settings = New-Settings
        $vm = $script:Emulators.Vms[1]
        $job = Invoke-FreshPwsh -Environment $settings -Script @"
Import-Module '$script:Module'
`$result = Invoke-VmEventWorkflow -VmResourceId '$($vm.Id)'
(Get-VmRunbookJob -JobId `$result.JobId).Parameters
"@
        # Automation decodes each JSON-encoded parameter before it binds it.
        $parameters = @{}
        foreach ($p in $job.PSObject.Properties) { $parameters[$p.Name] = $p.Value | ConvertFrom-Json }
        # The RunbookName setting's runbook: the parameters it always got.
        $parameters.Keys | Sort-Object | Should -Be @('CorrelationId', 'PrivateIpAddress', 'VmName', 'VmResourceId')

        $run = Invoke-Runbook Start-VmOnboarding $parameters
        $run.Status | Should -Be 'Completed' -Because $run.Exception
        $record = $run.Output[-1] | ConvertFrom-Json
        $record.vmName | Should -Be 'vm-demo-02'
        $record.vmResourceId | Should -Be $vm.Id
        $record.privateIpAddress | Should -Be '10.0.1.7'
        $record.correlationId | Should -Be $parameters.CorrelationId
        $record.steps.step | Should -Be @('Check the parameters', 'Check the address')
        $record.steps[1].detail | Should -Be 'IPv4 address 10.0.1.7'
        $run.Output | Should -Contain 'Onboarded vm-demo-02.'
    }

    It 'fails the job, saying why, when <Case>' -ForEach @(
        @{ Case = 'the name is not the VM''s'; Parameters = @{ VmName = 'vm-other'; VmResourceId = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/vm-demo-01'; PrivateIpAddress = '10.0.0.4' }; Expected = 'is not the VM of' }
        @{ Case = 'the ID is not a VM'; Parameters = @{ VmName = 'vm-demo-01'; VmResourceId = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo'; PrivateIpAddress = '10.0.0.4' }; Expected = 'is not a VM resource ID' }
        @{ Case = 'the address is not an IP address'; Parameters = @{ VmName = 'vm-demo-01'; VmResourceId = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/vm-demo-01'; PrivateIpAddress = '10.0.0.4; rm -rf /' }; Expected = 'is not an IP address' }
    ) {
        $run = Invoke-Runbook Start-VmOnboarding $Parameters
        $run.Status | Should -Be 'Failed'
        $run.Exception | Should -Match $Expected
    }

    It 'onboards a VM without an address yet, saying the address steps were skipped' {
        $run = Invoke-Runbook Start-VmOnboarding @{ VmName = 'vm-demo-03'; VmResourceId = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/vm-demo-03' }
        $run.Status | Should -Be 'Completed'
        ($run.Output[-1] | ConvertFrom-Json).steps[1].detail | Should -Match 'no private address yet'
    }
}

Describe 'Remove-VmOnboarding runbook' {
    It 'runs with the very parameters an offboarding starts its job with: the deleted VM''s last known facts' {
        $settings = New-Settings
        $settings.VMEVENTOPS_RULES = '[{ "Name": "all", "Offboarding": { "Runbook": "Offboard-Vm" } }]'
        $vm = Invoke-RestMethod -Method Post -Uri "$($script:Emulators.ArmEndpoint)_emulator/vms" -ContentType 'application/json' -Body (@{ resourceGroup = 'rg-demo'; name = 'vm-leaving'; addresses = @('10.0.9.9') } | ConvertTo-Json)
        $job = Invoke-FreshPwsh -Environment $settings -Script @"
Import-Module '$script:Module'
`$null = Invoke-VmEventWorkflow -VmResourceId '$($vm.Id)'
Invoke-RestMethod -Method Post -Uri '$($script:Emulators.ArmEndpoint)_emulator/vms/delete' -ContentType 'application/json' -Body '{"id":"$($vm.Id)"}' | Out-Null
`$delete = @{ id = '7'; eventType = 'Microsoft.Resources.ResourceDeleteSuccess'; eventTime = '2026-01-02T03:04:05Z'; subject = '$($vm.Id)'; data = @{ operationName = 'Microsoft.Compute/virtualMachines/delete'; status = 'Succeeded'; resourceUri = '$($vm.Id)' } }
`$result = Invoke-VmEventWorkflow -QueueItem `$delete
[pscustomobject]@{ Outcome = "`$(`$result.Outcome)"; State = "`$((Get-VmOnboardingState -VmResourceId '$($vm.Id)').State)"; Parameters = (Get-VmRunbookJob -JobId `$result.JobId).Parameters }
"@
        $job.Outcome | Should -Be 'Offboarded'
        $job.State | Should -Be 'Offboarded'
        $parameters = @{}
        foreach ($p in $job.Parameters.PSObject.Properties) { $parameters[$p.Name] = $p.Value | ConvertFrom-Json }
        $parameters.Keys | Sort-Object | Should -Be @('CorrelationId', 'EventTime', 'PrivateIpAddress', 'VmId', 'VmName', 'VmResourceId')
        $parameters.VmId | Should -Be $vm.VmId

        $run = Invoke-Runbook Remove-VmOnboarding $parameters
        $run.Status | Should -Be 'Completed' -Because $run.Exception
        $record = $run.Output[-1] | ConvertFrom-Json
        $record.vmName | Should -Be 'vm-leaving'
        $record.vmId | Should -Be $vm.VmId
        ([datetimeoffset] $record.deletedOn).UtcDateTime | Should -Be ([datetimeoffset] '2026-01-02T03:04:05Z').UtcDateTime
        $record.steps[1].detail | Should -Be 'address 10.0.9.9 released'
        $run.Output | Should -Contain "Offboarded vm-leaving ($($vm.VmId))."
    }

    It 'fails the job, saying why, when the name is not the VM''s' {
        $run = Invoke-Runbook Remove-VmOnboarding @{ VmName = 'vm-other'; VmId = [guid]::NewGuid().ToString(); VmResourceId = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/vm-demo-01' }
        $run.Status | Should -Be 'Failed'
        $run.Exception | Should -Match 'is not the VM of'
    }

    It 'fails the job, saying why, when the vmId is not a GUID' {
        $run = Invoke-Runbook Remove-VmOnboarding @{ VmName = 'vm-demo-01'; VmId = 'vm-demo-01'; VmResourceId = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/vm-demo-01' }
        $run.Status | Should -Be 'Failed'
        $run.Exception | Should -Match 'is not a vmId'
    }
}

Describe 'Invoke-VmEventRetryPass runbook' {
    It 'reads its settings from Automation variables, signs in as the account''s identity, and processes the due retries' {
        $settings = New-Settings
        $vmId = $script:Emulators.Vms[0].Id
        $null = Invoke-FreshPwsh -Environment $settings -Script "Import-Module '$script:Module'; Send-VmEventMessage -VmResourceId '$vmId' -Queue Retry | Out-Null"

        # Only the sandbox's own variables in the environment; the module from the account's modules (PSModulePath).
        $sandbox = @{
            IDENTITY_ENDPOINT = $script:Emulators.IdentityEndpoint
            IDENTITY_HEADER   = $script:Emulators.IdentityHeader
            PSModulePath      = (Split-Path (Split-Path $script:Module)) + [IO.Path]::PathSeparator + $env:PSModulePath
        }
        $variables = @{}
        foreach ($name in $settings.Keys) { if ($name -like 'VMEVENTOPS_*' -and $name -ne 'VMEVENTOPS_AUTHMODE') { $variables[$name] = $settings[$name] } }
        $run = Invoke-Runbook Invoke-VmEventRetryPass @{ TimeBudgetMinutes = 2 } -Environment $sandbox -AutomationVariables $variables

        $run.Status | Should -Be 'Completed' -Because $run.Exception
        $run.Output | Should -Contain "Succeeded JobStarted $vmId"
        $run.Output -join "`n" | Should -Match 'Retry pass: 1 processed \(1 Succeeded\)'
        $run.Output -join "`n" | Should -Match "Retry\s+$($settings.VMEVENTOPS_RETRYQUEUENAME)\s+0 message"
        # The one unhealthy queue is the main queue, which nothing has created here (Event Grid would need it).
        @($run.Warnings).Count | Should -Be 1
        $run.Warnings[0] | Should -Match '^Main '
        $run.Output -join "`n" | Should -Not -Match ([regex]::Escape($script:Azurite.AccountKey))
    }

    It 'fails the job when the settings are missing, without touching anything' {
        $sandbox = @{
            IDENTITY_ENDPOINT = $script:Emulators.IdentityEndpoint
            IDENTITY_HEADER   = $script:Emulators.IdentityHeader
            PSModulePath      = (Split-Path (Split-Path $script:Module)) + [IO.Path]::PathSeparator + $env:PSModulePath
        }
        $run = Invoke-Runbook Invoke-VmEventRetryPass @{} -Environment $sandbox -AutomationVariables @{}
        $run.Status | Should -Be 'Failed'
        $run.Exception | Should -Match 'storage'
    }
}

Describe 'Invoke-VmOnboardingSync runbook' {
    It 'reads its settings from Automation variables, sweeps the scope, onboards what it queued with -ProcessQueue and ends with the compliance summary' {
        $settings = New-Settings
        $sandbox = @{
            IDENTITY_ENDPOINT = $script:Emulators.IdentityEndpoint
            IDENTITY_HEADER   = $script:Emulators.IdentityHeader
            PSModulePath      = (Split-Path (Split-Path $script:Module)) + [IO.Path]::PathSeparator + $env:PSModulePath
        }
        $variables = @{}
        foreach ($name in $settings.Keys) { if ($name -like 'VMEVENTOPS_*' -and $name -ne 'VMEVENTOPS_AUTHMODE') { $variables[$name] = $settings[$name] } }
        $run = Invoke-Runbook Invoke-VmOnboardingSync @{ ProcessQueue = $true } -Environment $sandbox -AutomationVariables $variables

        $run.Status | Should -Be 'Completed' -Because $run.Exception
        $text = $run.Output -join "`n"
        # rg-demo: vm-demo-01..03, vm-demo-early and vm-demo-creating, none onboarded before.
        $text | Should -Match 'Sweep: 5 VM\(s\) listed in 1 page\(s\), 5 queued, 0 onboarded already'
        $run.Output | Should -Contain "Queued vm-demo-early NeverSeen"
        $text | Should -Match 'Worker: 5 processed'
        $text | Should -Match 'Compliance Onboarded\s+4\s+/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo'
        $text | Should -Match 'Compliance RetryScheduled\s+1'   # vm-demo-creating: its NIC is not there yet
        $text | Should -Not -Match ([regex]::Escape($script:Azurite.AccountKey))
    }
}
