BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:Azurite = Start-TestAzurite
    $script:CommandId = 'VmEventOps.Commands.GetVmEventQueueStatusCommand'
}

AfterAll {
    Stop-TestAzurite $script:Azurite
    Remove-Item env:VMEVENTOPS_STORAGECONNECTIONSTRING, env:VMEVENTOPS_QUEUENAME -ErrorAction SilentlyContinue
}

Describe 'Get-VmEventQueueStatus' {
    Context 'with -ConnectionString against Azurite' {
        BeforeAll {
            # Queue names of this test's own, through a settings file. Counts with messages are covered by the xunit
            # QueueManager tests against the same Azurite; the module creates no queue yet.
            $suffix = Get-Random -Minimum 10000 -Maximum 99999
            $script:Settings = Join-Path $TestDrive 'queues.json'
            Set-Content $script:Settings (@{
                    QueueName = "main-$suffix"; RetryQueueName = "retry-$suffix"; SucceededQueueName = "ok-$suffix"; PoisonQueueName = "poison-$suffix"
                } | ConvertTo-Json)
        }

        It 'reports the main queue missing as unhealthy and the others as not created yet' {
            $status = Get-VmEventQueueStatus -ConnectionString $script:Azurite.ConnectionString -SettingsPath $script:Settings
            $status.Queue | Should -Be @('Main', 'Retry', 'Succeeded', 'Poison')
            $status[0].PSObject.TypeNames[0] | Should -Be 'VmEventOps.Engine.Queues.QueueStatus'
            $status[0].Healthy | Should -BeFalse
            $status[0].Reason | Should -Match 'does not exist'
            $status[1..3].Healthy | Should -Be @($true, $true, $true)
        }

        It 'takes the connection string from VMEVENTOPS_STORAGECONNECTIONSTRING too' {
            $env:VMEVENTOPS_STORAGECONNECTIONSTRING = $script:Azurite.ConnectionString
            try { (Get-VmEventQueueStatus -SettingsPath $script:Settings).Count | Should -Be 4 }
            finally { Remove-Item env:VMEVENTOPS_STORAGECONNECTIONSTRING }
        }

        It 'fits its default view in 120 columns' {
            $text = Get-VmEventQueueStatus -ConnectionString $script:Azurite.ConnectionString -SettingsPath $script:Settings | Out-String -Width 120
            $text | Should -Match 'Queue\s+Name\s+Count\s+OldestAge\s+Healthy\s+Reason'
            ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 120 }) | Should -BeNullOrEmpty
        }
    }

    Context 'without storage settings' {
        It 'fails with VmStorageNotConfigured naming the setting to set' {
            $failure = { Get-VmEventQueueStatus } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be "VmStorageNotConfigured,$script:CommandId"
            $failure.ToString() | Should -Match 'VMEVENTOPS_STORAGECONNECTIONSTRING'
        }
    }

    Context 'when storage cannot be reached' {
        It 'fails with VmStorageRequestFailed as a connection error, and no account key in the error' {
            $dead = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$($script:Azurite.AccountKey);QueueEndpoint=http://127.0.0.1:9/devstoreaccount1"
            $failure = { Get-VmEventQueueStatus -ConnectionString $dead -Verbose 4>$null } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be "VmStorageRequestFailed,$script:CommandId"
            $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
            $failure.ToString() | Should -Not -Match ([regex]::Escape($script:Azurite.AccountKey))
            $failure.Exception.Message | Should -Not -Match ([regex]::Escape($script:Azurite.AccountKey))
        }
    }
}

Describe 'Stopping Get-VmEventQueueStatus' {
    It 'stops promptly when the pipeline is stopped (Ctrl+C) while storage does not answer' {
        # A loopback listener that accepts connections and never answers: the request hangs until cancelled.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $ps = [powershell]::Create()
        try {
            $port = $listener.LocalEndpoint.Port
            $hanging = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$($script:Azurite.AccountKey);QueueEndpoint=http://127.0.0.1:$port/devstoreaccount1"
            $null = $ps.AddScript("Import-Module '$(Get-TestModulePath)'; Get-VmEventQueueStatus -ConnectionString '$hanging'")
            $async = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 1500
            $async.IsCompleted | Should -BeFalse -Because 'the request is still waiting for an answer'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10 -Because 'Stop cancels the request instead of waiting out the network timeout'
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            $ps.Dispose()
            $listener.Stop()
        }
    }
}
