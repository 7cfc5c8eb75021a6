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

    Context 'with SqlServer (the TDS emulator)' {
        BeforeAll {
            $script:Emulators = Start-TestEmulators
            $script:Sql = @{ Server = '127.0.0.1'; Provider = 'SqlServer'; Database = 'vmeventops' }
        }
        AfterAll { Stop-TestEmulators $script:Emulators }

        It 'passes every stage over TLS with a validated certificate' {
            $result = Test-VmDbConnection @Sql -Port $Emulators.SqlServerPort -Credential $Credential
            $result.Success | Should -BeTrue
            $result.ServerVersion | Should -Be '16.00.4135'
            $result.Stages.Keys | Should -Be @('Dns', 'Tcp', 'Login', 'Query')
        }

        It 'reports a wrong password as LoginFailed 18456, and the password reaches no stream' {
            $all = & { Test-VmDbConnection @Sql -Port $Emulators.SqlServerPort -Credential $Wrong -Verbose -Debug } *>&1
            $result = $all | Where-Object { $_.PSObject.TypeNames[0] -eq 'VmEventOps.Engine.Database.VmDbCheckResult' }
            $result.ErrorCategory | Should -Be 'LoginFailed'
            $result.SqlErrorNumber | Should -Be 18456
            ($all | Out-String -Width 500) + ($result | Format-List * | Out-String -Width 500) | Should -Not -Match $Planted
        }

        It 'reports -Encrypt Mandatory against a server without encryption as TlsFailure, naming -Encrypt Optional' {
            $result = Test-VmDbConnection @Sql -Port $Emulators.SqlServerPlainPort -Credential $Credential -Encrypt Mandatory
            $result.ErrorCategory | Should -Be 'TlsFailure'
            $result.TlsProblem | Should -Be 'EncryptionNotSupported'
            $result.SqlErrorNumber | Should -Be 20
            $result.Message | Should -Match ([regex]::Escape('-Encrypt Optional (setting DbEncryption=Optional)'))
            ($result | Out-String -Width 120) | Should -Match 'TlsFailure\s+EncryptionNotSupported: '
            (Test-VmDbConnection @Sql -Port $Emulators.SqlServerPlainPort -Credential $Credential -Encrypt Optional).Success | Should -BeTrue
        }

        It 'reports -Encrypt Strict against a server without TDS 8 as a failed TLS handshake, and passes against one with it' {
            $result = Test-VmDbConnection @Sql -Port $Emulators.SqlServerPlainPort -Credential $Credential -Encrypt Strict
            $result.ErrorCategory | Should -Be 'TlsFailure'
            $result.TlsProblem | Should -Be 'HandshakeFailed'
            (Test-VmDbConnection @Sql -Port $Emulators.SqlServerPort -Credential $Credential -Encrypt Strict).Success | Should -BeTrue
        }

        It 'reports an untrusted certificate, and trusts it with -TrustServerCertificate or the DbTrustServerCertificate setting' {
            $result = Test-VmDbConnection @Sql -Port $Emulators.SqlServerUntrustedPort -Credential $Credential
            $result.TlsProblem | Should -Be 'UntrustedCertificate'
            $result.Message | Should -Match ([regex]::Escape('-TrustServerCertificate (setting DbTrustServerCertificate=true)'))
            (Test-VmDbConnection @Sql -Port $Emulators.SqlServerUntrustedPort -Credential $Credential -TrustServerCertificate).Success | Should -BeTrue
            Invoke-WithEnvironment @{ VMEVENTOPS_DBTRUSTSERVERCERTIFICATE = 'true' } {
                (Test-VmDbConnection @Sql -Port $Emulators.SqlServerUntrustedPort -Credential $Credential).Success | Should -BeTrue
                (Test-VmDbConnection @Sql -Port $Emulators.SqlServerUntrustedPort -Credential $Credential -TrustServerCertificate:$false).TlsProblem | Should -Be 'UntrustedCertificate'
            }
        }

        It 'ends a query the server will not cancel at -TimeoutSeconds, as a Timeout at the Query stage' {
            $elapsed = Measure-Command {
                $script:Stalled = Test-VmDbConnection @Sql -Port $Emulators.SqlServerIgnoringCancelPort -Credential $Credential -Query "WAITFOR DELAY '00:00:10'" -TimeoutSeconds 2
            }
            $Stalled.FailedStage | Should -Be 'Query'
            $Stalled.ErrorCategory | Should -Be 'Timeout'
            $elapsed.TotalSeconds | Should -BeLessThan 3.5
        }

        It 'refuses -HostNameInCertificate for a provider that cannot take it, with VmDbNotConfigured' {
            $failure = { Test-VmDbConnection -Server 127.0.0.1 -Provider PostgreSql -HostNameInCertificate db.contoso.local } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be 'VmDbNotConfigured,VmEventOps.Commands.TestVmDbConnectionCommand'
            $failure.Exception.Message | Should -Match 'DbHostNameInCertificate'
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
