# Key Vault references in settings, resolved by the built module in a real pwsh: the managed-identity emulator gives
# the token, the Key Vault emulator (loopback HTTPS, bearer challenge first) holds the secrets, and the database check
# logs in to the real PostgreSQL server with the password read from the vault.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Emulators = Start-TestEmulators
    $script:Module = Get-TestModulePath
    $script:Vault = [uri] $script:Emulators.KeyVaultUri
    $script:Planted = 'Planted-KeyVault-Secret-5be1'
    $script:DbPassword = if ($env:VMEVENTOPSTEST_DB_PASSWORD) { $env:VMEVENTOPSTEST_DB_PASSWORD } else { 'vmeventops-test-Pa55' }

    function Set-VaultSecret([string] $Name, [string] $Value) {
        Invoke-RestMethod -SkipCertificateCheck -Method Put -Uri "$($script:Vault)_emulator/secrets/$Name" -Body $Value -ContentType 'text/plain' | Out-Null
    }
    function Get-VaultReads([string] $Name) { (Invoke-RestMethod -SkipCertificateCheck -Uri "$($script:Vault)_emulator/reads").$Name ?? 0 }
    function Get-Reference([string] $Name) { "@Microsoft.KeyVault(SecretUri=$($script:Vault)secrets/$Name)" }
    function Get-Environment([hashtable] $With) { $all = $script:Environment.Clone(); foreach ($key in $With.Keys) { $all[$key] = $With[$key] }; $all }

    Set-VaultSecret 'db-password' $script:DbPassword
    Set-VaultSecret 'planted-password' $script:Planted
    $script:Environment = (Get-EmulatorEnvironment $script:Emulators) + @{ VMEVENTOPS_DBPASSWORD = (Get-Reference 'db-password'); VMEVENTOPS_DBUSER = 'vmeventops' }
    $script:ConfigurationId = 'VmEventOps.Commands.GetVmEventConfigurationCommand'
}

AfterAll { Stop-TestEmulators $script:Emulators }

Describe 'Key Vault references' {
    It 'are shown as *** with their vault and secret, and Get-VmEventConfiguration reads nothing' {
        $before = Get-VaultReads 'db-password'
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; `$s = Get-VmEventConfiguration -Name DbPassword; [pscustomobject]@{ Value = `$s.Value; KeyVaultSecret = `$s.KeyVaultSecret; Resolved = `$s.Resolved; Text = (`$s | Out-String -Width 200) }"

        $result.Value | Should -Be '***'
        $result.KeyVaultSecret | Should -Be "KeyVault($($script:Vault.Authority)/db-password)"
        $result.Resolved | Should -BeNullOrEmpty
        $result.Text | Should -Match ('Environment\s+' + [regex]::Escape("*** KeyVault($($script:Vault.Authority)/db-password)"))
        Get-VaultReads 'db-password' | Should -Be $before
    }

    It 'are all read by -Validate, which reports each one and writes an error for one that does not resolve' {
        $environment = Get-Environment @{ VMEVENTOPS_OTLPHEADERS = (Get-Reference 'missing'); VMEVENTOPS_CLIENTSECRET = (Get-Reference 'planted-password') }
        $before = Get-VaultReads 'db-password'
        $result = Invoke-FreshPwsh -Environment $environment -Script @"
Import-Module '$script:Module'
`$all = & { Get-VmEventConfiguration -Validate -Verbose -Debug -ErrorAction Continue } *>&1
`$problems = @(`$all | Where-Object { `$_ -is [System.Management.Automation.ErrorRecord] })
`$settings = `$all | Where-Object { `$_.PSObject.TypeNames[0] -eq 'VmEventOps.Engine.Configuration.VmEventSetting' }
[pscustomobject]@{
    Resolved = @(`$settings | Where-Object { `$null -ne `$_.Resolved } | ForEach-Object { "`$(`$_.Name)=`$(`$_.Resolved)" })
    Errors = @(`$problems | ForEach-Object FullyQualifiedErrorId)
    Messages = @(`$problems | ForEach-Object { "`$_" })
    Text = (`$all | Out-String -Width 300) + (`$settings | Format-List * | Out-String -Width 300) + (`$settings | Format-Table | Out-String -Width 300)
}
"@
        $result.Resolved | Should -Be @('ClientSecret=True', 'DbPassword=True', 'OtlpHeaders=False')
        $result.Errors | Should -Be @("VmKeyVaultSecretNotFound,$script:ConfigurationId")
        $result.Messages[0] | Should -Match "Setting OtlpHeaders \(environment variable VMEVENTOPS_OTLPHEADERS\) could not be read from Key Vault '$([regex]::Escape($script:Vault.Authority))', secret 'missing'"
        $result.Text | Should -Match 'KeyVault\([^)]+/db-password\) resolved'
        $result.Text | Should -Match 'KeyVault\([^)]+/missing\) UNRESOLVED'
        $result.Text | Should -Not -Match $script:Planted
        Get-VaultReads 'db-password' | Should -Be ($before + 1)
    }

    It 'give Test-VmDbConnection the password from the vault, read once per process and cache period' {
        $before = Get-VaultReads 'db-password'
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; 1..3 | ForEach-Object { Test-VmDbConnection -Server 127.0.0.1 -Port 5432 -Provider PostgreSql -Database vmeventops -Encrypt Optional } | Select-Object Success, FailedStage"

        @($result).Count | Should -Be 3
        $result.Success | Should -Be @($true, $true, $true)
        Get-VaultReads 'db-password' | Should -Be ($before + 1)
    }

    It 'keep a secret read from the vault out of every stream when it fails the login' {
        $environment = Get-Environment @{ VMEVENTOPS_DBPASSWORD = (Get-Reference 'planted-password') }
        $result = Invoke-FreshPwsh -Environment $environment -Script @"
Import-Module '$script:Module'
`$all = & { Test-VmDbConnection -Server 127.0.0.1 -Port 5432 -Provider PostgreSql -Database vmeventops -Encrypt Optional -Verbose -Debug } *>&1
`$check = `$all | Where-Object { `$_.PSObject.TypeNames[0] -eq 'VmEventOps.Engine.Database.VmDbCheckResult' }
[pscustomobject]@{ Category = "`$(`$check.ErrorCategory)"; Text = (`$all | Out-String -Width 300) + (`$check | Format-List * | Out-String -Width 300) + (`$check | ConvertTo-Json -Depth 5) }
"@
        $result.Category | Should -Be 'LoginFailed'
        $result.Text | Should -Match 'from KeyVault\('
        $result.Text | Should -Not -Match $script:Planted
    }

    It 'stop the command with VmKeyVaultAccessDenied naming the role when the vault refuses the identity' {
        Invoke-RestMethod -SkipCertificateCheck -Method Post -Uri "$($script:Vault)_emulator/faults?status=403&count=1" | Out-Null
        $environment = Get-Environment @{ VMEVENTOPS_DBPASSWORD = (Get-Reference 'planted-password'); VMEVENTOPS_KEYVAULTCACHEDURATION = '0' }
        $result = Invoke-FreshPwsh -Environment $environment -Script "Import-Module '$script:Module'; try { Test-VmDbConnection -Server 127.0.0.1 -Port 5432 -Provider PostgreSql -Database vmeventops -Encrypt Optional } catch { [pscustomobject]@{ Id = `$_.FullyQualifiedErrorId; Category = `"`$(`$_.CategoryInfo.Category)`"; Message = `"`$_`"; Target = `"`$(`$_.TargetObject)`" } }"

        $result.Id | Should -Be 'VmKeyVaultAccessDenied,VmEventOps.Commands.TestVmDbConnectionCommand'
        $result.Category | Should -Be 'PermissionDenied'
        $result.Message | Should -Match "Key Vault Secrets User"
        $result.Message | Should -Match "secret 'planted-password'"
        $result.Target | Should -Be 'DbPassword'
        $result.Message | Should -Not -Match $script:Planted
    }

    It 'refuse a reference in a setting that is not a secret' {
        $environment = Get-Environment @{ VMEVENTOPS_DBSERVER = (Get-Reference 'db-server') }
        $result = Invoke-FreshPwsh -Environment $environment -Script "Import-Module '$script:Module'; try { Get-VmEventConfiguration -Name DbServer } catch { [pscustomobject]@{ Id = `$_.FullyQualifiedErrorId } }"
        $result.Id | Should -Be "VmKeyVaultReferenceInvalid,$script:ConfigurationId"
    }
}
