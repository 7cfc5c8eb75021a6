# Each case runs in a pwsh of its own: MSAL decides the managed identity source once per process.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Emulators = Start-TestEmulators
    $script:Module = Get-TestModulePath
    $script:AppService = @{ IDENTITY_ENDPOINT = $script:Emulators.IdentityEndpoint; IDENTITY_HEADER = $script:Emulators.IdentityHeader }
    $script:CommandId = 'VmEventOps.Commands.GetVmAccessTokenCommand'

    function New-TestJwt([int] $ExpiresInMinutes) {
        $encode = { param($o) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes(($o | ConvertTo-Json -Compress))).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
        $exp = [DateTimeOffset]::UtcNow.AddMinutes($ExpiresInMinutes).ToUnixTimeSeconds()
        "$(& $encode @{ typ = 'JWT'; alg = 'RS256' }).$(& $encode @{ aud = 'https://management.azure.com/'; tid = 'aaaaaaaa-0000-0000-0000-000000000001'; oid = 'bbbbbbbb-0000-0000-0000-000000000002'; appid = 'cccccccc-0000-0000-0000-000000000003'; idtyp = 'user'; exp = $exp }).c2ln"
    }
}

AfterAll { Stop-TestEmulators $script:Emulators }

Describe 'Get-VmAccessToken' {
    Context 'on App Service (IDENTITY_ENDPOINT and IDENTITY_HEADER)' {
        It 'returns the token as a SecureString, with the claims of the system-assigned identity' {
            $result = Invoke-FreshPwsh -Environment $script:AppService -Script "Import-Module '$script:Module'; `$t = Get-VmAccessToken -AuthMode ManagedIdentity; [pscustomobject]@{ Type = `$t.Token.GetType().FullName; ClientId = `$t.ClientId; ObjectId = `$t.ObjectId; AuthMode = `"`$(`$t.AuthMode)`"; Resource = `$t.Resource; Expires = `$t.ExpiresOn -gt [DateTimeOffset]::UtcNow.AddHours(23) }"
            $result.Type | Should -Be 'System.Security.SecureString'
            $result.ClientId | Should -Be $script:Emulators.SystemAssigned.ClientId
            $result.ObjectId | Should -Be $script:Emulators.SystemAssigned.ObjectId
            $result.AuthMode | Should -Be 'ManagedIdentity'
            $result.Resource | Should -Be 'https://management.azure.com/'
            $result.Expires | Should -BeTrue
        }

        It 'returns the token as a string with -AsPlainText, answered by managed identity in Auto mode' {
            $result = Invoke-FreshPwsh -Environment $script:AppService -Script "Import-Module '$script:Module'; `$t = Get-VmAccessToken -AsPlainText -ResourceType Storage; [pscustomobject]@{ Token = `$t.Token; AuthMode = `"`$(`$t.AuthMode)`"; Resource = `$t.Resource }"
            $result.Token | Should -BeOfType [string]
            $result.Token.Split('.').Count | Should -Be 3
            $result.AuthMode | Should -Be 'ManagedIdentity'
            $result.Resource | Should -Be 'https://storage.azure.com/'
        }

        It 'acts as a user-assigned identity given -ManagedIdentityClientId' {
            $clientId = $script:Emulators.UserAssigned.ClientId
            $result = Invoke-FreshPwsh -Environment $script:AppService -Script "Import-Module '$script:Module'; Get-VmAccessToken -ManagedIdentityClientId '$clientId' | Select-Object ClientId"
            $result.ClientId | Should -Be $clientId
        }

        It 'never writes the token to the verbose stream, and serves the second call from the cache' {
            $result = Invoke-FreshPwsh -Environment $script:AppService -Script @"
Import-Module '$script:Module'
`$VerbosePreference = 'Continue'
`$verbose = `$( `$first = Get-VmAccessToken -AsPlainText; `$second = Get-VmAccessToken -AsPlainText ) 4>&1 | Out-String
[pscustomobject]@{ Leaked = `$verbose.Contains(`$first.Token); Verbose = `$verbose; FromCache = `$second.FromCache; Same = `$first.Token -eq `$second.Token }
"@
            $result.Verbose | Should -Match 'ManagedIdentity answered'
            $result.Leaked | Should -BeFalse
            $result.FromCache | Should -BeTrue
            $result.Same | Should -BeTrue
        }

        It 'fails with VmAuthFailed for a user-assigned identity the endpoint does not know, without the header secret' {
            $result = Invoke-FreshPwsh -Environment $script:AppService -Script "Import-Module '$script:Module'; try { Get-VmAccessToken -ManagedIdentityClientId '00000000-0000-0000-0000-00000000dead' } catch { [pscustomobject]@{ Id = `$_.FullyQualifiedErrorId; Text = `$_.ToString(); Category = `"`$(`$_.CategoryInfo.Category)`" } }"
            $result.Id | Should -Be "VmAuthFailed,$script:CommandId"
            $result.Category | Should -Be 'AuthenticationError'
            $result.Text | Should -Not -Match $script:Emulators.IdentityHeader
        }
    }

    Context 'on a VM (IMDS)' {
        It 'gets the token through the IMDS protocol' {
            $environment = @{ AZURE_POD_IDENTITY_AUTHORITY_HOST = $script:Emulators.ImdsHost; IDENTITY_ENDPOINT = $null; IDENTITY_HEADER = $null }
            $before = (Invoke-RestMethod "$($script:Emulators.ImdsHost)_emulator/requests").imds
            $result = Invoke-FreshPwsh -Environment $environment -Script "Import-Module '$script:Module'; Get-VmAccessToken -AuthMode ManagedIdentity | Select-Object ClientId"
            $result.ClientId | Should -Be $script:Emulators.SystemAssigned.ClientId
            (Invoke-RestMethod "$($script:Emulators.ImdsHost)_emulator/requests").imds | Should -BeGreaterThan $before
        }
    }

    Context 'with no identity available' {
        It 'fails with one VmAuthUnavailable error that lists what each mode tried' {
            # IMDS on a closed loopback port, no service principal, no workload identity, no az on this machine.
            $environment = @{ IDENTITY_ENDPOINT = $null; IDENTITY_HEADER = $null; AZURE_CLIENT_ID = $null; AZURE_FEDERATED_TOKEN_FILE = $null }
            $result = Invoke-FreshPwsh -Environment $environment -Script "Import-Module '$script:Module'; try { Get-VmAccessToken -AuthMode Auto } catch { [pscustomobject]@{ Id = `$_.FullyQualifiedErrorId; Text = `$_.ToString() } }"
            $result.Id | Should -Be "VmAuthUnavailable,$script:CommandId"
            foreach ($mode in 'ServicePrincipal:', 'WorkloadIdentity:', 'ManagedIdentity:', 'AzureCli:') { $result.Text | Should -Match $mode }
        }
    }

    Context 'with a token passed in (AuthMode Token)' {
        It 'reads its claims and expiry' {
            $jwt = New-TestJwt -ExpiresInMinutes 60
            $result = Invoke-FreshPwsh -Environment @{ VMEVENTOPS_ACCESSTOKEN = $jwt; VMEVENTOPS_AUTHMODE = 'Token' } -Script "Import-Module '$script:Module'; Get-VmAccessToken | Select-Object TenantId, ObjectId, AppId, IdentityType, @{ n = 'AuthMode'; e = { `"`$(`$_.AuthMode)`" } }"
            $result.TenantId | Should -Be 'aaaaaaaa-0000-0000-0000-000000000001'
            $result.ObjectId | Should -Be 'bbbbbbbb-0000-0000-0000-000000000002'
            $result.AppId | Should -Be 'cccccccc-0000-0000-0000-000000000003'
            $result.IdentityType | Should -Be 'user'
            $result.AuthMode | Should -Be 'Token'
        }

        It 'refuses an expired token with VmAuthTokenExpired and does not show it' {
            $jwt = New-TestJwt -ExpiresInMinutes -5
            Import-Module $script:Module -Force
            $failure = { Get-VmAccessToken -AuthMode Token -AccessToken (ConvertTo-SecureString $jwt -AsPlainText -Force) } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be "VmAuthTokenExpired,$script:CommandId"
            $failure.ToString() | Should -Match 'expired at'
            $failure.ToString() | Should -Not -Match ([regex]::Escape($jwt.Split('.')[1]))
        }
    }
}
