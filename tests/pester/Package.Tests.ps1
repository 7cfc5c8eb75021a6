# What build.ps1 -Task Package leaves in out/package: the module in a local PSResource repository, the Function app
# folder and its zip. The module is installed from the repository with Install-PSResource into a temporary home (so
# neither the repository registration nor the install touch the real profile) and imported from there.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:PackageOut = Split-Path (Get-TestFunctionAppPath)
    $script:Built = Split-Path (Get-TestModulePath)
    $script:Version = (Import-PowerShellDataFile (Get-TestModulePath)).ModuleVersion
}

Describe 'build.ps1 -Task Package' {
    It 'publishes a module that Install-PSResource installs and Import-Module loads, with every built file' {
        $tempHome = Join-Path $TestDrive 'home'
        $null = New-Item -ItemType Directory $tempHome
        $repository = Join-Path $script:PackageOut 'repository'
        $result = Invoke-FreshPwsh -Environment @{ HOME = $tempHome } -Script @"
Register-PSResourceRepository -Name VmEventOpsTest -Uri '$repository' -Trusted
Install-PSResource -Name VmEventOps -Version '$script:Version' -Repository VmEventOpsTest -Scope CurrentUser -TrustRepository -Quiet
Import-Module VmEventOps
`$module = Get-Module VmEventOps
[pscustomobject]@{
    Version = "`$(`$module.Version)"; Base = `$module.ModuleBase
    Commands = @(`$module.ExportedCmdlets.Keys).Count
    Settings = @(Get-VmEventConfiguration).Count
    Files = @(Get-ChildItem `$module.ModuleBase -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath(`$module.ModuleBase, `$_.FullName) } | Where-Object { `$_ -notmatch '^PSGetModuleInfo\.xml$|\.nuspec$' } | Sort-Object)
}
"@
        $result.Version | Should -Be $script:Version
        $result.Base | Should -BeLike "$tempHome*"
        $result.Commands | Should -Be @((Import-PowerShellDataFile (Get-TestModulePath)).CmdletsToExport).Count
        $result.Settings | Should -BeGreaterThan 10
        $built = @(Get-ChildItem $script:Built -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($script:Built, $_.FullName) } | Sort-Object)
        $result.Files | Should -Be $built
    }

    It 'zips the Function app with the module in Modules/VmEventOps, ready for zip deploy' {
        $zip = Join-Path $script:PackageOut "vmeventops-functionapp-$script:Version.zip"
        Test-Path $zip | Should -BeTrue
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $archive = [IO.Compression.ZipFile]::OpenRead($zip)
        try { $entries = @($archive.Entries.FullName -replace '\\', '/') }
        finally { $archive.Dispose() }
        foreach ($required in 'host.json', 'profile.ps1', 'requirements.psd1', 'ValidationFunction/function.json', 'ValidationFunction/run.ps1',
            'RetryFunction/function.json', 'RetryFunction/run.ps1', 'ApiFunction/function.json', 'ApiFunction/run.ps1',
            'ReconcileFunction/function.json', 'ReconcileFunction/run.ps1', 'UiFunction/function.json', 'UiFunction/run.ps1',
            'Modules/VmEventOps/Dashboard/index.html', 'Modules/VmEventOps/Dashboard/app.js', 'Modules/VmEventOps/Dashboard/app.css',
            'Modules/VmEventOps/VmEventOps.psd1', 'Modules/VmEventOps/VmEventOps.dll', 'Modules/VmEventOps/Dependencies/VmEventOps.Engine.dll') {
            $entries | Should -Contain $required
        }
        # Nothing but the app: no test or build leftovers at the root.
        @($entries | ForEach-Object { ($_ -split '/')[0] } | Sort-Object -Unique) |
            Should -Be @('ApiFunction', 'host.json', 'Modules', 'profile.ps1', 'ReconcileFunction', 'requirements.psd1', 'RetryFunction', 'UiFunction', 'ValidationFunction')
    }
}
