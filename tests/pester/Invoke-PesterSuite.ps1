<#
.SYNOPSIS
    Runs the Pester suite against the built module and writes the counts for build.ps1.
.DESCRIPTION
    Pester is imported from the NuGet package folder (the PowerShell Gallery is not needed). The suite
    finds the module through VMEVENTOPSTEST_MODULE (set by build.ps1) or out/VmEventOps.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ResultPath,
    # Only the test files whose names match these wildcards, comma-separated (build.ps1 -PesterFile); all when empty.
    [string] $File
)
$ErrorActionPreference = 'Stop'
# No managed-identity request may leave this machine: IMDS (169.254.169.254) is sent to a closed loopback
# port instead, for this process and every pwsh it starts. Tests that want IMDS point it at the emulator.
$env:AZURE_POD_IDENTITY_AUTHORITY_HOST = 'http://127.0.0.1:9/'
foreach ($name in 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET', 'IMDS_ENDPOINT') { Remove-Item "env:$name" -ErrorAction SilentlyContinue }
Import-Module $PesterPath -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = if ($File) {
    @($File -split ',' | ForEach-Object { Get-ChildItem $PSScriptRoot -Recurse -Filter '*.Tests.ps1' | Where-Object Name -Like $_ } | ForEach-Object FullName)
}
else { $PSScriptRoot }
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputPath = [IO.Path]::ChangeExtension($ResultPath, '.xml')
$result = Invoke-Pester -Configuration $configuration

# A failed BeforeAll or a broken test file fails no single test; count it so it cannot pass silently.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[pscustomobject]@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount + $result.NotRunCount } |
    ConvertTo-Json | Set-Content -Path $ResultPath
exit ([int]($failed -gt 0))
