BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Emulators = Start-TestEmulators
    $script:Module = Get-TestModulePath
    # Tokens from the managed-identity emulator (App Service protocol), ARM over HTTPS trusted through SSL_CERT_FILE.
    $script:Environment = (Get-EmulatorEnvironment $script:Emulators) + @{ VMEVENTOPS_ALLOWEDSCOPES = '*' }
    $script:CommandId = 'VmEventOps.Commands.GetVmNetworkInfoCommand'
}

AfterAll { Stop-TestEmulators $script:Emulators }

Describe 'Get-VmNetworkInfo' {
    It 'looks a VM up by -VmResourceId' {
        $vm = $script:Emulators.Vms[0]
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; Get-VmNetworkInfo -VmResourceId '$($vm.Id)' | Select-Object VmName, PrivateIpAddress, @{ n = 'VmId'; e = { `$_.VmId.ToString() } }, @{ n = 'Type'; e = { `$_.PSObject.TypeNames[0] } }"
        $result.VmName | Should -Be 'vm-demo-01'
        $result.PrivateIpAddress | Should -Be '10.0.0.4'
        $result.VmId | Should -Be $vm.VmId
        $result.Type | Should -Be 'VmEventOps.Engine.Arm.VmNetworkInfo'
    }

    It 'takes the VM from ConvertFrom-VmEvent through the pipeline, every address of every NIC included' {
        $vm = $script:Emulators.Vms[1]
        $event = @{ id = '1'; eventType = 'Microsoft.Resources.ResourceWriteSuccess'; data = @{ operationName = 'Microsoft.Compute/virtualMachines/write'; resourceUri = $vm.Id } } | ConvertTo-Json -Compress
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; '$event' | ConvertFrom-VmEvent | Get-VmNetworkInfo | Select-Object VmName, PrivateIpAddress, PrivateIpAddresses"
        $result.VmName | Should -Be 'vm-demo-02'
        $result.PrivateIpAddress | Should -Be '10.0.1.7'
        $result.PrivateIpAddresses | Should -Be @('10.0.1.7', '10.0.1.8', '172.20.2.16')
    }

    It 'writes a non-terminating VmNotFound error for a VM that is gone, and goes on with the next' {
        $gone = $script:Emulators.Vms[0].Id -replace 'vm-demo-01$', 'vm-gone'
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; `$found = '$gone', '$($script:Emulators.Vms[0].Id)' | Get-VmNetworkInfo -ErrorVariable problems -ErrorAction SilentlyContinue; [pscustomobject]@{ Found = @(`$found).Count; Id = `$problems[0].FullyQualifiedErrorId; Category = `"`$(`$problems[0].CategoryInfo.Category)`" }"
        $result.Found | Should -Be 1
        $result.Id | Should -Be "VmNotFound,$script:CommandId"
        $result.Category | Should -Be 'ObjectNotFound'
    }

    It 'writes VmArmThrottled at once, with the service''s Retry-After, when Compute answers 429 with Retry-After 1200' {
        # Compute's documented throttling answer: 429, Retry-After 1200, the body without the "error" wrapper.
        $fault = @{ route = 'vm'; status = 429; retryAfterSeconds = 1200; unwrapped = $true } | ConvertTo-Json -Compress
        Invoke-RestMethod -Method Post -Uri "$($script:Emulators.ArmEndpoint)_emulator/faults" -Body $fault -ContentType 'application/json' | Out-Null
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; `$found = Get-VmNetworkInfo '$($script:Emulators.Vms[0].Id)' -ErrorVariable problems -ErrorAction SilentlyContinue; [pscustomobject]@{ Found = @(`$found).Count; Id = `$problems[0].FullyQualifiedErrorId; Category = `"`$(`$problems[0].CategoryInfo.Category)`"; Text = `$problems[0].ToString() }"
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30
        $result.Found | Should -Be 0
        $result.Id | Should -Be "VmArmThrottled,$script:CommandId"
        $result.Category | Should -Be 'LimitsExceeded'
        $result.Text | Should -Match 'OperationNotAllowed'
        $result.Text | Should -Match 'asked to wait 1200 s'
    }

    It 'writes a transient VmCreating for a VM still being created, and reads it once its NIC exists' {
        $vm = $script:Emulators.CreatingVm
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; `$first = Get-VmNetworkInfo '$($vm.Id)' -ErrorVariable problems -ErrorAction SilentlyContinue; `$second = Get-VmNetworkInfo '$($vm.Id)'; [pscustomobject]@{ First = @(`$first).Count; Id = `$problems[0].FullyQualifiedErrorId; Address = `$second.PrivateIpAddress; State = `$second.ProvisioningState }"
        $result.First | Should -Be 0
        $result.Id | Should -Be "VmCreating,$script:CommandId"
        $result.Address | Should -Be '10.0.3.4'
        $result.State | Should -Be 'Succeeded'
    }

    It 'fits its default view in 120 columns' {
        $result = Invoke-FreshPwsh -Environment $script:Environment -Script "Import-Module '$script:Module'; [pscustomobject]@{ Text = (Get-VmNetworkInfo '$($script:Emulators.Vms[0].Id)' | Out-String -Width 120) }"
        $result.Text | Should -Match 'VmName\s+PrivateIpAddress\s+Location\s+OsType\s+State'
        ($result.Text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 120 }) | Should -BeNullOrEmpty
    }
}
