BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Azurite = Start-TestAzurite
    $script:Emulators = Start-TestEmulators
    $script:Module = Get-TestModulePath
    $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
    $checks = Join-Path $TestDrive 'checks'
    New-Item -ItemType Directory $checks | Out-Null
    # The admin's scripts: one that passes with the VM's facts, one that fails with a message, one that throws, one that overruns.
    Set-Content (Join-Path $checks 'pass.ps1') 'param($VmName, $PrivateIpAddress, $Tags) $VmName -like "vm-demo-*" -and $PrivateIpAddress -like "10.0.*" -and $Tags.env -eq "test"'
    Set-Content (Join-Path $checks 'fail.ps1') 'param($VmName) @{ Passed = $false; Message = "the agent of $VmName is not installed" }'
    Set-Content (Join-Path $checks 'throw.ps1') 'throw "the CMDB could not be reached"'
    Set-Content (Join-Path $checks 'slow.ps1') 'Start-Sleep -Seconds 30; $true'
    function script:Check([string] $Name, [int] $Timeout = 10) { @{ Kind = 'Script'; Name = $Name; Path = (Join-Path $checks "$Name.ps1"); TimeoutSeconds = $Timeout } }
    $rules = @(
        @{ Name = 'dry-run'; Match = @{ VmName = 'vm-demo-01' }; Checks = @((Check pass), (Check fail), (Check throw), (Check slow 1)) }
        @{ Name = 'scripted'; Match = @{ VmName = 'vm-demo-02' }; Checks = @((Check pass)); Action = @{ Runbook = 'Onboard-Scripted' } }
        @{ Name = 'sandbox'; Match = @{ Tags = @('env=test') }; Skip = 'test VMs are left alone' }
    )
    $script:Environment = (Get-EmulatorEnvironment $script:Emulators) + @{
        VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
        VMEVENTOPS_QUEUENAME = "rules-$suffix"; VMEVENTOPS_SUCCEEDEDQUEUENAME = "rules-$suffix-ok"
        VMEVENTOPS_RETRYQUEUENAME = "rules-$suffix-retry"; VMEVENTOPS_POISONQUEUENAME = "rules-$suffix-poison"
        VMEVENTOPS_STATETABLENAME = "rules$suffix"
        VMEVENTOPS_ALLOWEDSCOPES = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo'
        VMEVENTOPS_RULES = ConvertTo-Json -InputObject $rules -Depth 6 -Compress
        VMEVENTOPS_SKIPTAG = 'vmeventops:skip=true'
    }
    $script:Vm1 = $script:Emulators.Vms[0]
    $script:Vm2 = $script:Emulators.Vms[1]
    $script:Vm3 = $script:Emulators.Vms[2]
}

AfterAll {
    Stop-TestEmulators $script:Emulators
    Stop-TestAzurite $script:Azurite
}

Describe 'Get-VmOnboardingRule' {
    It 'lists the effective rules in order, the built-in skip rule first, with where they came from' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; Get-VmOnboardingRule | ForEach-Object { [pscustomobject]@{ Name = `$_.Name; Position = `$_.Position; Origin = `$_.Origin; Checks = @(`$_.Checks).Count; Type = `$_.PSObject.TypeNames[0] } }"
        $result.Name | Should -Be 'SkipTagged', 'dry-run', 'scripted', 'sandbox'
        $result.Position | Should -Be 1, 2, 3, 4
        $result[1].Origin | Should -Match 'VMEVENTOPS_RULES'
        $result[1].Checks | Should -Be 4
        $result[0].Type | Should -Be 'VmEventOps.Engine.Rules.OnboardingRuleView'
    }

    It 'without rules shows today''s settings as the Default rule' {
        $environment = $script:Environment.Clone()
        $environment.Remove('VMEVENTOPS_RULES')
        $result = Invoke-FreshPwsh -Environment $environment -Script "Import-Module '$script:Module'; Get-VmOnboardingRule -Name Def* | ForEach-Object Runbook"
        $result | Should -Be 'Onboard-Vm'
    }

    It 'writes each rule that is not valid as an error with a stable id' {
        $environment = $script:Environment.Clone()
        $environment.VMEVENTOPS_RULES = '[{ "Name": "broken", "Checks": [{ "Kind": "Ping" }] }]'
        $result = Invoke-FreshPwsh -Environment $environment -Script "Import-Module '$script:Module'; `$rules = Get-VmOnboardingRule -ErrorVariable problems -ErrorAction SilentlyContinue; [pscustomobject]@{ Rules = @(`$rules).Count; Id = `$problems[0].FullyQualifiedErrorId }"
        $result.Rules | Should -Be 1
        $result.Id | Should -BeLike 'VmRuleCheckInvalid,*'
    }
}

Describe 'Test-VmOnboardingRule' {
    It 'says which rule matches and why, and with -RunChecks runs scripts that pass, fail, throw and overrun in this session' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script @"
Import-Module '$script:Module'
`$t = Test-VmOnboardingRule -VmResourceId '$($script:Vm1.Id)' -RunChecks
[pscustomobject]@{ Rule = `$t.Rule; Why = `$t.Why; Action = `$t.Action; Passed = `$t.ChecksPassed; Statuses = @(`$t.Checks | ForEach-Object { "`$(`$_.Status)" }); Reasons = @(`$t.Checks | ForEach-Object Reason); States = @(Get-VmOnboardingState).Count; Jobs = @(Get-VmEventQueueStatus | Where-Object Queue -EQ Succeeded).ApproximateCount }
"@
        $result.Rule | Should -Be 'dry-run'
        $result.Why | Should -Be 'name vm-demo-01 (vm-demo-01)'
        $result.Action | Should -Be 'Runbook Onboard-Vm'
        $result.Statuses | Should -Be 'Passed', 'Failed', 'Error', 'TimedOut'
        $result.Reasons[1] | Should -Match 'the agent of vm-demo-01 is not installed'
        $result.Reasons[2] | Should -Match 'VmCheckError.*the CMDB could not be reached'
        $result.Passed | Should -BeFalse
        $result.States | Should -Be 0
    }

    It 'names the rules before the match and why they did not match, through the pipeline' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; [pscustomobject]@{ VmResourceId = '$($script:Vm3.Id)' } | Test-VmOnboardingRule | ForEach-Object { [pscustomobject]@{ Rule = `$_.Rule; Action = `$_.Action; Misses = @(`$_.NotMatched | ForEach-Object Rule) } }"
        $result.Rule | Should -Be 'sandbox'
        $result.Action | Should -Be 'Skip: test VMs are left alone'
        $result.Misses | Should -Be 'SkipTagged', 'dry-run', 'scripted'
    }
}

Describe 'Invoke-VmEventWorkflow with a Script check' {
    It 'runs the script in the calling session and starts the rule''s runbook' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; `$r = Invoke-VmEventWorkflow -VmResourceId '$($script:Vm2.Id)'; [pscustomobject]@{ Outcome = `"`$(`$r.Outcome)`"; Rule = `$r.Rule; Check = `"`$(`$r.Checks[0].Name) `$(`$r.Checks[0].Status)`" }"
        $result.Outcome | Should -Be 'Succeeded'
        $result.Rule | Should -Be 'scripted'
        $result.Check | Should -Be 'pass Passed'
    }
}
