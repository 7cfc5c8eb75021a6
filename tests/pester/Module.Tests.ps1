BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $commandNames = (Get-Command -Module VmEventOps).Name
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:ManifestPath = Get-TestModulePath
    Import-Module $script:ManifestPath -Force
    $script:Commands = Get-Command -Module VmEventOps
}

Describe 'VmEventOps module' {
    It 'has a valid manifest for PowerShell 7.4 Core' {
        $manifest = Test-ModuleManifest $script:ManifestPath
        $manifest.PowerShellVersion | Should -Be '7.4'
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PrivateData.PSData.Tags | Should -Contain 'Azure'
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
    }

    It 'exports exactly the cmdlets its manifest lists' {
        $listed = (Import-PowerShellDataFile $script:ManifestPath).CmdletsToExport
        ($script:Commands.Name | Sort-Object) | Should -Be ($listed | Sort-Object)
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        $script:Commands | Where-Object { $_.Verb -notin $approved } | Should -BeNullOrEmpty
    }

    It 'keeps its dependencies out of the module folder root' {
        $folder = Split-Path $script:ManifestPath
        Get-ChildItem $folder -Filter 'Azure.*.dll' | Should -BeNullOrEmpty
        Join-Path $folder 'Dependencies/VmEventOps.Engine.deps.json' | Should -Exist
    }

    It 'loads the engine into its own load context, not the default one' {
        $null = Get-VmEventConfiguration -Name QueueName
        $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'VmEventOps'
        $context | Should -Not -BeNullOrEmpty
        $context.Assemblies.GetName().Name | Should -Contain 'VmEventOps.Engine'
        [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies.GetName().Name | Should -Not -Contain 'VmEventOps.Engine'
    }

    It 'imports again in a second runspace of the same process' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$script:ManifestPath'; (Get-VmEventConfiguration -Name MaxAttempts).Value")
            $ps.Invoke() | Should -Be '5'
            $ps.HadErrors | Should -BeFalse
        }
        finally { $ps.Dispose() }
        @([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'VmEventOps').Count | Should -Be 1
    }
}

Describe 'Help' {
    It 'has about_VmEventOps' {
        Get-Help about_VmEventOps | Out-String | Should -Match 'VmEventOps'
    }

    Context '<_>' -ForEach $commandNames {
        BeforeAll {
            $script:Help = Get-Help $_ -Full
            $script:Command = Get-Command $_
        }

        It 'has a synopsis and a description' {
            $script:Help.Synopsis | Should -Not -BeNullOrEmpty
            $script:Help.Synopsis | Should -Not -Match '^\s*Get-|^\s*\w+-\w+ \['   # not the auto-generated syntax stub
            ($script:Help.Description.Text -join '') | Should -Not -BeNullOrEmpty
        }

        It 'has at least one example' {
            @($script:Help.Examples.Example).Count | Should -BeGreaterThan 0
            $script:Help.Examples.Example[0].Code | Should -Not -BeNullOrEmpty
        }

        It 'describes every parameter' {
            $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
            $names = $script:Command.Parameters.Keys | Where-Object { $_ -notin $common }
            foreach ($name in $names) {
                $parameter = $script:Help.Parameters.Parameter | Where-Object Name -eq $name
                $parameter | Should -Not -BeNullOrEmpty -Because "-$name needs help"
                ($parameter.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
            }
        }
    }
}
