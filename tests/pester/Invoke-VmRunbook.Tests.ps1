BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Emulators = Start-TestEmulators
    $script:Module = Get-TestModulePath
    $script:Environment = (Get-EmulatorEnvironment $script:Emulators) + @{ VMEVENTOPS_RUNBOOKPOLLINTERVAL = '1' }
    $script:InvokeId = 'VmEventOps.Commands.InvokeVmRunbookCommand'
    # Calls per ARM route, from the emulator (trusted through SSL_CERT_FILE, as every client here).
    function Get-ArmCalls { Invoke-RestMethod "$($script:Emulators.ArmEndpoint)_emulator/calls" }
}

AfterAll { Stop-TestEmulators $script:Emulators }

Describe 'Invoke-VmRunbook' {
    It 'makes no call with -WhatIf' {
        $before = Get-ArmCalls
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; [pscustomobject]@{ Output = @(Invoke-VmRunbook -Parameters @{ VmName = 'vm-01' } -WhatIf).Count }"
        $result.Output | Should -Be 0
        (Get-ArmCalls | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json)
    }

    It 'runs the configured runbook with -Wait and returns the whole job with its output' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; Invoke-VmRunbook -Parameters @{ VmName = 'vm-01' } -Wait -ProgressAction SilentlyContinue | Select-Object @{ n = 'JobId'; e = { `$_.JobId.ToString() } }, Status, Output, AlreadyExisted, @{ n = 'Type'; e = { `$_.PSObject.TypeNames[0] } }"
        $result.Status | Should -Be 'Completed'
        $result.Output | Should -Be @('Onboarding started', 'Onboarded')
        $result.AlreadyExisted | Should -BeFalse
        $result.Type | Should -Be 'VmEventOps.Engine.Arm.VmRunbookJob'
        $result.JobId | Should -Match '^[0-9a-f-]{36}$'
    }

    It 'adopts the job when the same -JobId is asked for twice' {
        $jobId = [guid]::NewGuid()
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; `$a = Invoke-VmRunbook -JobId $jobId; `$b = Invoke-VmRunbook -JobId $jobId; [pscustomobject]@{ First = `$a.AlreadyExisted; Second = `$b.AlreadyExisted; Same = `$a.JobId -eq `$b.JobId }"
        $result.First | Should -BeFalse
        $result.Second | Should -BeTrue
        $result.Same | Should -BeTrue
    }

    It 'returns a failed job and writes a non-terminating VmRunbookJobFailed error with its exception' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; `$job = Invoke-VmRunbook -RunbookName Broken -Wait -ErrorVariable problems -ErrorAction SilentlyContinue -ProgressAction SilentlyContinue; [pscustomobject]@{ Status = `$job.Status; Exception = `$job.Exception; Id = `$problems[0].FullyQualifiedErrorId; Text = `$problems[0].ToString() }"
        $result.Status | Should -Be 'Failed'
        $result.Exception | Should -Match 'Connect-Db'
        $result.Id | Should -Be "VmRunbookJobFailed,$script:InvokeId"
        $result.Text | Should -Match 'Cannot reach the database'
    }

    It 'returns the ended job with its output when its error stream cannot be read, and writes VmArmForbidden for that part' {
        # A role without jobs/streams/read: the job, seen Completed, is not lost.
        $fault = @{ route = 'job-streams'; status = 403 } | ConvertTo-Json -Compress
        Invoke-RestMethod -Method Post -Uri "$($script:Emulators.ArmEndpoint)_emulator/faults" -Body $fault -ContentType 'application/json' | Out-Null
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; `$job = Invoke-VmRunbook -Wait -ErrorVariable problems -ErrorAction SilentlyContinue -ProgressAction SilentlyContinue; [pscustomobject]@{ Status = `$job.Status; Output = `$job.Output; Count = `$problems.Count; Id = `$problems[0].FullyQualifiedErrorId; Text = `$problems[0].ToString() }"
        $result.Status | Should -Be 'Completed'
        $result.Output | Should -Be @('Onboarding started', 'Onboarded')
        $result.Count | Should -Be 1
        $result.Id | Should -Be "VmArmForbidden,$script:InvokeId"
        $result.Text | Should -Match 'error stream'
    }

    It 'returns every record of an error stream longer than a page (nextLink)' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; `$job = Invoke-VmRunbook -RunbookName Noisy -Wait -ErrorVariable problems -ErrorAction SilentlyContinue -ProgressAction SilentlyContinue; [pscustomobject]@{ Status = `$job.Status; Errors = @(`$job.Errors).Count; Last = `$job.Errors[-2]; Id = `$problems[0].FullyQualifiedErrorId }"
        $result.Status | Should -Be 'Failed'
        $result.Errors | Should -Be 151   # 150 records on two pages, and the job's exception
        $result.Last | Should -Be 'Cannot reach 10.0.0.150:1433'
        $result.Id | Should -Be "VmRunbookJobFailed,$script:InvokeId"
    }

    It 'reads an earlier job with Get-VmRunbookJob through the pipeline' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; Invoke-VmRunbook -Wait -ProgressAction SilentlyContinue | Get-VmRunbookJob | Select-Object Status, Output"
        $result.Status | Should -Be 'Completed'
        $result.Output | Should -Contain 'Onboarded'
    }

    It 'fails with VmRunbookNotConfigured when no runbook is configured' {
        $environment = $script:Environment.Clone()
        $environment.VMEVENTOPS_RUNBOOKNAME = $null
        $result = Invoke-FreshPwsh -Environment $environment -Script "Import-Module '$script:Module'; try { Invoke-VmRunbook } catch { [pscustomobject]@{ Id = `$_.FullyQualifiedErrorId } }"
        $result.Id | Should -Be "VmRunbookNotConfigured,$script:InvokeId"
    }
}
