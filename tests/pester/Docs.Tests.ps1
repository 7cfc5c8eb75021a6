# The documentation as shipped and as committed: the generated references in docs/reference are what the generator
# writes now (drift), every cmdlet and parameter has its page, and every about_ topic ships with the module.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:CommandCases = @(Get-Command -Module VmEventOps | ForEach-Object { @{ Name = $_.Name } })
    $topics = Join-Path $PSScriptRoot '../../module/en-US'
    $script:TopicCases = @(Get-ChildItem $topics -Filter 'about_*.help.txt' | ForEach-Object { @{ Name = $_.Name -replace '\.help\.txt$' } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:ModulePath = Get-TestModulePath
    Import-Module $script:ModulePath -Force
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:Reference = Join-Path $script:Root 'docs/reference'
    $script:CommonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'The generated reference (docs/reference)' {
    It 'is what the generator writes from the built module now (build.ps1 -Task Docs, then commit)' {
        $generator = if ($env:VMEVENTOPSTEST_HELPGENERATOR) { $env:VMEVENTOPSTEST_HELPGENERATOR } else { Join-Path $script:Root 'tools/VmEventOps.HelpGenerator/bin/Release/net10.0/VmEventOps.HelpGenerator.dll' }
        $xmlDocs = if ($env:VMEVENTOPSTEST_CMDLETDOCS) { $env:VMEVENTOPSTEST_CMDLETDOCS } else { Join-Path $script:Root 'src/VmEventOps/bin/Release/net8.0/VmEventOps.xml' }
        $moduleFolder = Split-Path $script:ModulePath
        # The about_ topics beside the MAML, as in the module: their names are the pages' related links.
        $help = New-Item -ItemType Directory (Join-Path $TestDrive 'en-US')
        Copy-Item (Join-Path $moduleFolder 'en-US/about_*.help.txt') $help
        $fresh = Join-Path $TestDrive 'reference'
        $output = & dotnet $generator (Join-Path $moduleFolder 'VmEventOps.dll') $xmlDocs (Join-Path $help 'VmEventOps.dll-Help.xml') --docs $fresh 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "the generator said: $output"

        $written = @(Get-ChildItem $fresh -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($fresh, $_.FullName) -replace '\\', '/' } | Sort-Object)
        $committed = @(Get-ChildItem $script:Reference -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($script:Reference, $_.FullName) -replace '\\', '/' } | Sort-Object)
        $problems = @(
            foreach ($file in $written) {
                $path = Join-Path $script:Reference $file
                if (-not (Test-Path $path)) { "docs/reference/$file is missing" }
                elseif ((Get-Content -Raw $path) -cne (Get-Content -Raw (Join-Path $fresh $file))) { "docs/reference/$file is stale" }
            }
            foreach ($file in $committed | Where-Object { $_ -notin $written }) { "docs/reference/$file is no longer generated (a cmdlet that is gone?)" }
        )
        $problems -join '; ' | Should -BeNullOrEmpty -Because "the committed reference must be what 'dotnet pwsh ./build.ps1 -Task Docs' writes: run it and commit docs/reference"
    }

    It 'has a page for <Name> with a section for each of its parameters' -TestCases $script:CommandCases {
        param($Name)
        $page = Join-Path $script:Reference "cmdlets/$Name.md"
        Test-Path $page | Should -BeTrue -Because "every cmdlet needs its reference page: docs/reference/cmdlets/$Name.md (build.ps1 -Task Docs)"
        $text = Get-Content -Raw $page
        $text | Should -Match "(?m)^# $([regex]::Escape($Name))$"
        $text | Should -Match '(?ms)^## SYNOPSIS\n\n\S'
        foreach ($parameter in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $script:CommonParameters }) {
            $text | Should -Match "(?m)^### -$parameter$" -Because "docs/reference/cmdlets/$Name.md needs a section for -$parameter"
        }
        (Get-Content -Raw (Join-Path $script:Reference 'cmdlets/README.md')) | Should -Match "\[$([regex]::Escape($Name))\]\($([regex]::Escape($Name))\.md\)"
    }
}

Describe 'about_ topics' {
    It 'ships <Name> in the module, and Get-Help finds it' -TestCases $script:TopicCases {
        param($Name)
        Test-Path (Join-Path (Split-Path $script:ModulePath) "en-US/$Name.help.txt") | Should -BeTrue
        $text = Get-Help $Name | Out-String
        $text | Should -Match "TOPIC\s+$([regex]::Escape($Name))\b"
        $text | Should -Match 'SHORT DESCRIPTION'
    }

    It 'has a topic per area' {
        $names = @(Get-ChildItem (Join-Path $script:Root 'module/en-US') -Filter 'about_*.help.txt' | ForEach-Object { $_.Name -replace '\.help\.txt$' } | Sort-Object)
        $names | Should -Be @('about_VmEventOps', 'about_VmEventOps_Authentication', 'about_VmEventOps_Configuration', 'about_VmEventOps_DatabaseChecks', 'about_VmEventOps_Operations', 'about_VmEventOps_Workflow')
    }
}

Describe 'The README' {
    It 'links to pages of docs/ that exist' {
        $links = [regex]::Matches((Get-Content -Raw (Join-Path $script:Root 'README.md')), '\]\((docs/[^)#]+)').Groups | Where-Object Name -EQ 1 | ForEach-Object Value
        $links.Count | Should -BeGreaterThan 5
        $links | Where-Object { -not (Test-Path (Join-Path $script:Root $_)) } | Should -BeNullOrEmpty
    }

    It 'and docs/ link only to files and anchors that exist' {
        $pages = Get-ChildItem (Join-Path $script:Root 'docs') -Recurse -Filter '*.md'
        $broken = foreach ($page in $pages) {
            $text = Get-Content -Raw $page.FullName
            foreach ($m in [regex]::Matches($text, '\]\(((?!https?:)[^)\s#]*)(#[^)\s]+)?\)')) {
                $target = if ($m.Groups[1].Value) { Join-Path $page.DirectoryName $m.Groups[1].Value } else { $page.FullName }
                if (-not (Test-Path $target)) { "$($page.Name): $($m.Value)"; continue }
                if ($m.Groups[2].Success -and $target -like '*.md') {
                    $anchors = [regex]::Matches((Get-Content -Raw $target), '(?m)^#+ (.+)$') | ForEach-Object { '#' + (($_.Groups[1].Value.ToLowerInvariant() -replace '[^a-z0-9 _-]', '') -replace ' ', '-') }
                    if ($m.Groups[2].Value -notin $anchors) { "$($page.Name): $($m.Value)" }
                }
            }
        }
        $broken | Should -BeNullOrEmpty
    }
}
