BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:Variables = 'VMEVENTOPS_MAXATTEMPTS', 'VMEVENTOPS_DBPASSWORD', 'VMEVENTOPS_SETTINGS', 'VMEVENTOPS_ENVIRONMENT', 'VMEVENTOPS_STORAGECONNECTIONSTRING',
        'VMEVENTOPS_QUEUESERVICEURI', 'VMEVENTOPS_RUNBOOKNAME', 'VMEVENTOPS_MESSAGELEASE'
    $script:CommandId = 'VmEventOps.Commands.GetVmEventConfigurationCommand'
}

Describe 'Get-VmEventConfiguration' {
    AfterEach {
        foreach ($name in $script:Variables) { Remove-Item "env:$name" -ErrorAction SilentlyContinue }
    }

    It 'lists every setting with its value and source' {
        $settings = Get-VmEventConfiguration
        $settings.Count | Should -BeGreaterThan 28
        $queue = $settings | Where-Object Name -eq 'QueueName'
        $queue.Value | Should -Be 'vm-events'
        $queue.Source | Should -Be 'Default'
        $queue.PSObject.TypeNames[0] | Should -Be 'VmEventOps.Engine.Configuration.VmEventSetting'
    }

    It 'takes MaxAttempts = 7 from the environment layer when VMEVENTOPS_MAXATTEMPTS is set' {
        $env:VMEVENTOPS_MAXATTEMPTS = '7'
        $setting = Get-VmEventConfiguration -Name MaxAttempts
        $setting.Value | Should -Be '7'
        $setting.Source | Should -Be 'Environment'
        $setting.Origin | Should -Be 'environment variable VMEVENTOPS_MAXATTEMPTS'
    }

    It 'shows the default view in 120 columns with Name, Value, Source and Origin' {
        $text = Get-VmEventConfiguration | Out-String -Width 120
        $text | Should -Match 'Name\s+Source\s+Value'
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 120 }) | Should -BeNullOrEmpty
    }

    Context 'with -Name' {
        It 'filters by wildcard' {
            (Get-VmEventConfiguration -Name 'Db*').Name | Should -Be @('DbProvider', 'DbServer', 'DbPort', 'DbName', 'DbUser', 'DbPassword', 'DbEncryption', 'DbTrustServerCertificate', 'DbHostNameInCertificate')
        }

        It 'binds names from the pipeline' {
            ('QueueName', 'MaxAttempts' | Get-VmEventConfiguration).Name | Should -Be @('QueueName', 'MaxAttempts')
        }

        It 'writes a non-terminating error for a name that does not exist and goes on' {
            $result = Get-VmEventConfiguration -Name NoSuchSetting, QueueName -ErrorVariable problems -ErrorAction SilentlyContinue
            $result.Name | Should -Be 'QueueName'
            $problems[0].FullyQualifiedErrorId | Should -Be "VmConfigUnknownSetting,$script:CommandId"
        }
    }

    Context 'with -SettingsPath and -Environment' {
        BeforeAll {
            $script:File = Join-Path $TestDrive 'vmeventops.json'
            Set-Content $script:File '{ "MaxAttempts": 3, "DbServer": "sql-dev", "Prod": { "DbServer": "sql-prod" } }'
        }

        It 'reads the file as the settings layer' {
            $setting = Get-VmEventConfiguration -SettingsPath $script:File -Name MaxAttempts
            $setting.Value | Should -Be '3'
            $setting.Source | Should -Be 'SettingsFile'
        }

        It 'applies the named environment section' {
            $setting = Get-VmEventConfiguration -SettingsPath $script:File -Environment Prod -Name DbServer
            $setting.Value | Should -Be 'sql-prod'
            $setting.Origin | Should -Be "$script:File [Prod]"
        }

        It 'resolves a relative path against the current location' {
            Push-Location $TestDrive
            try { (Get-VmEventConfiguration -SettingsPath vmeventops.json -Name MaxAttempts).Value | Should -Be '3' }
            finally { Pop-Location }
        }

        It 'lets the environment layer override the file' {
            $env:VMEVENTOPS_MAXATTEMPTS = '8'
            (Get-VmEventConfiguration -SettingsPath $script:File -Name MaxAttempts).Value | Should -Be '8'
        }

        It 'finds the file and environment through VMEVENTOPS_SETTINGS and VMEVENTOPS_ENVIRONMENT' {
            $env:VMEVENTOPS_SETTINGS = $script:File
            $env:VMEVENTOPS_ENVIRONMENT = 'Prod'
            (Get-VmEventConfiguration -Name DbServer).Value | Should -Be 'sql-prod'
        }
    }

    Context 'with bad input' {
        It 'fails with <Id> for <Case>' -ForEach @(
            @{ Case = 'a missing file'; Content = $null; Environment = $null; Id = 'VmConfigFileNotFound'; Expect = 'does not exist' }
            @{ Case = 'invalid JSON'; Content = '{ "MaxAttempts": '; Environment = $null; Id = 'VmConfigFileInvalid'; Expect = 'not valid JSON at line \d+, column \d+' }
            @{ Case = 'an unknown setting'; Content = '{ "MaxAtempts": 5 }'; Environment = $null; Id = 'VmConfigUnknownSetting'; Expect = "'MaxAtempts'" }
            @{ Case = 'a wrong type'; Content = '{ "MaxAttempts": "five" }'; Environment = $null; Id = 'VmConfigInvalidValue'; Expect = "MaxAttempts .* 'five'.*expected a whole number from 1 to 100" }
            @{ Case = 'an unknown environment'; Content = '{ "Test": {} }'; Environment = 'Prod'; Id = 'VmConfigUnknownEnvironment'; Expect = "'Prod'.*Test" }
        ) {
            $path = Join-Path $TestDrive "bad-$Id.json"
            if ($null -ne $Content) { Set-Content $path $Content }
            $parameters = @{ SettingsPath = $path }
            if ($Environment) { $parameters.Environment = $Environment }
            $failure = { Get-VmEventConfiguration @parameters } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be "$Id,$script:CommandId"
            $failure.ToString() | Should -Match ([regex]::Escape($path))
            $failure.ToString() | Should -Match $Expect
            $failure.ToString() | Should -Not -Match '   at '   # a message, never a stack trace
        }

        It 'reads a settings file with a byte order mark (<Encoding>)' -ForEach @(
            @{ Encoding = 'utf8BOM' }, @{ Encoding = 'unicode' }, @{ Encoding = 'bigendianunicode' }, @{ Encoding = 'utf32' }
        ) {
            $path = Join-Path $TestDrive "bom-$Encoding.json"
            Set-Content $path '{ "MaxAttempts": 9, "RunbookName": "Onboard-Vm" }' -Encoding $Encoding
            (Get-VmEventConfiguration -SettingsPath $path -Name MaxAttempts).Value | Should -Be '9'
        }

        It 'says a folder given as the settings file is a folder, with VmConfigFileNotFound' {
            $failure = { Get-VmEventConfiguration -SettingsPath $TestDrive } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be "VmConfigFileNotFound,$script:CommandId"
            $failure.ToString() | Should -Match 'is a folder, not a file'
        }

        It 'refuses <Name> = <Value> with VmConfigInvalidValue' -ForEach @(
            @{ Name = 'MessageLease'; Value = '0'; Expect = 'from 1 s to 7 days' }
            @{ Name = 'MessageLease'; Value = '8.00:00:00'; Expect = 'from 1 s to 7 days' }
            @{ Name = 'RunbookPollInterval'; Value = '0'; Expect = 'from 1 s to 1 h' }
            @{ Name = 'RetryBaseDelay'; Value = '10675199.02:48:05'; Expect = 'from 0 s to 7 days' }
            @{ Name = 'StorageConnectionString'; Value = 'AccountName=acct;AccountKey'; Expect = 'a storage connection string' }
            @{ Name = 'StorageConnectionString'; Value = 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=not base64!'; Expect = 'a storage connection string' }
        ) {
            $path = Join-Path $TestDrive "gap-$Name.json"
            @{ $Name = $Value } | ConvertTo-Json | Set-Content $path
            $failure = { Get-VmEventConfiguration -SettingsPath $path } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be "VmConfigInvalidValue,$script:CommandId"
            $failure.ToString() | Should -Match $Expect
        }

        It 'names the environment variable that holds a wrong type' {
            $env:VMEVENTOPS_MAXATTEMPTS = 'five'
            $failure = { Get-VmEventConfiguration } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be "VmConfigInvalidValue,$script:CommandId"
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.TargetObject | Should -Be 'MaxAttempts'
            $failure.ToString() | Should -Match 'VMEVENTOPS_MAXATTEMPTS'
        }
    }

    Context 'with secrets' {
        It 'shows them as *** in output and verbose, never the value' {
            $key = 'Zm9vYmFyc2VjcmV0a2V5dmFsdWVmb3J0ZXN0aW5nb25seQ=='
            $env:VMEVENTOPS_DBPASSWORD = 'Pa55word-for-test'
            $env:VMEVENTOPS_STORAGECONNECTIONSTRING = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=$key;EndpointSuffix=core.windows.net"
            $all = Get-VmEventConfiguration -Verbose 4>&1 | Out-String -Width 400
            $all | Should -Not -Match 'Pa55word'
            $all | Should -Not -Match ([regex]::Escape($key))
            (Get-VmEventConfiguration -Name DbPassword).Value | Should -Be '***'
            (Get-VmEventConfiguration -Name StorageConnectionString).Value | Should -Be 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=***;EndpointSuffix=core.windows.net'
        }

        It 'keeps the user information of a URI that is not valid out of the message, the details and the exception' {
            $env:VMEVENTOPS_QUEUESERVICEURI = 'ftp://svc-user:Pa55word-in-uri-7b1c@acct.queue.core.windows.net/'
            $failure = { Get-VmEventConfiguration } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be "VmConfigInvalidValue,$script:CommandId"
            $failure.Exception.Message | Should -Not -Match 'Pa55word'
            $failure.ErrorDetails.Message | Should -Not -Match 'Pa55word'
            $failure.Exception.ToString() | Should -Not -Match 'Pa55word'
            $failure.ToString() | Should -Match 'ftp://\*\*\*@acct'
        }

        It 'masks a known secret value wherever an error would quote it' {
            # The database password pasted into a setting that quotes a wrong value.
            $env:VMEVENTOPS_DBPASSWORD = 'Pa55word-pasted-9f3e!'
            $env:VMEVENTOPS_RUNBOOKNAME = 'Pa55word-pasted-9f3e!'
            $failure = { Get-VmEventConfiguration } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be "VmConfigInvalidValue,$script:CommandId"
            foreach ($text in $failure.Exception.Message, $failure.ErrorDetails.Message, $failure.Exception.ToString(), ($failure | Out-String)) {
                $text | Should -Not -Match 'Pa55word'
            }
            $failure.Exception.Message | Should -Match "RunbookName .* the value '\*\*\*'"
        }

        It 'keeps a wrong secret out of the error' {
            $path = Join-Path $TestDrive 'secret.json'
            Set-Content $path '{ "DbPassword": ["Pa55word-in-array"] }'
            $failure = { Get-VmEventConfiguration -SettingsPath $path } | Should -Throw -PassThru
            $failure.ToString() | Should -Not -Match 'Pa55word'
            $failure.Exception.Message | Should -Not -Match 'Pa55word'
        }
    }
}
