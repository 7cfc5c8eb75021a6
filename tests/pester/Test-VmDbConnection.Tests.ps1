BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $password = if ($env:VMEVENTOPSTEST_DB_PASSWORD) { $env:VMEVENTOPSTEST_DB_PASSWORD } else { 'vmeventops-test-Pa55' }
    $script:Credential = [pscredential]::new('vmeventops', (ConvertTo-SecureString $password -AsPlainText -Force))
    $script:Planted = 'Planted-Pester-Secret-91c'
    $script:Wrong = [pscredential]::new('vmeventops', (ConvertTo-SecureString $script:Planted -AsPlainText -Force))
    $script:Ports = @{ PostgreSql = 5432; MySql = 3306 }
}

Describe 'Test-VmDbConnection' {
    Context 'with <_>' -ForEach 'PostgreSql', 'MySql' {
        BeforeAll { $script:Port = $script:Ports[$_] }

        It 'passes every stage against the real server' {
            $result = Test-VmDbConnection -Server 127.0.0.1 -Port $script:Port -Provider $_ -Database vmeventops -Credential $script:Credential -Encrypt Optional
            $result.PSObject.TypeNames[0] | Should -Be 'VmEventOps.Engine.Database.VmDbCheckResult'
            $result.Success | Should -BeTrue
            $result.ServerVersion | Should -Not -BeNullOrEmpty
            $result.Stages.Keys | Should -Be @('Dns', 'Tcp', 'Login', 'Query')
        }

        It 'returns only $true with -Quiet, and binds PrivateIpAddress from the pipeline' {
            [pscustomobject]@{ PrivateIpAddress = '127.0.0.1' } |
                Test-VmDbConnection -Port $script:Port -Provider $_ -Database vmeventops -Credential $script:Credential -Encrypt Optional -Quiet |
                Should -BeExactly $true
        }

        It 'reports a wrong password as a LoginFailed result, and the password reaches no stream' {
            $all = & { Test-VmDbConnection -Server 127.0.0.1 -Port $script:Port -Provider $_ -Database vmeventops -Credential $script:Wrong -Encrypt Optional -Verbose -Debug } *>&1
            $result = $all | Where-Object { $_.PSObject.TypeNames[0] -eq 'VmEventOps.Engine.Database.VmDbCheckResult' }
            $result.Success | Should -BeFalse
            $result.FailedStage | Should -Be 'Login'
            $result.ErrorCategory | Should -Be 'LoginFailed'
            ($all | Out-String -Width 500) + ($result | Format-List * | Out-String -Width 500) | Should -Not -Match $script:Planted
        }
    }

    It 'keeps the password out of every stream when the server does not exist' {
        $all = & { Test-VmDbConnection -Server no-such-host.invalid -Provider SqlServer -Credential $script:Wrong -Verbose } *>&1
        ($all | Format-List * | Out-String -Width 500) | Should -Not -Match $script:Planted
        ($all | Where-Object ErrorCategory).ErrorCategory | Should -Be 'NameResolution'
    }

    It 'fails with VmDbNotConfigured when no server is given or configured' {
        $failure = { Test-VmDbConnection -Provider PostgreSql } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -Be 'VmDbNotConfigured,VmEventOps.Commands.TestVmDbConnectionCommand'
    }

    It 'fits its default view in 120 columns' {
        $text = Test-VmDbConnection -Server 127.0.0.1 -Port 9 -Provider MySql -TimeoutSeconds 2 | Out-String -Width 120
        $text | Should -Match 'Server\s+Success\s+Failed\s+Category\s+Message'
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 120 }) | Should -BeNullOrEmpty
    }
}
