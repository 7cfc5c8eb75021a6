# The delivery pipelines in deploy/pipelines, parsed with a real YAML parser (YamlDotNet, restored from NuGet by
# tests/TestPackages) and walked for what they promise: the README's test command, tasks build.ps1 knows, paths that
# exist or that the build produces, test before prod, sign-in without secrets, what-if before create.
BeforeDiscovery {
    $script:PipelineFiles = @(
        @{ Name = 'azure-pipelines.yml'; Kind = 'AzureDevOps' }
        @{ Name = 'github-workflow.yml'; Kind = 'GitHub' }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    [xml] $packages = Get-Content -Raw (Join-Path $script:Root 'tests/TestPackages/TestPackages.csproj')
    $version = ($packages.Project.ItemGroup.PackageDownload | Where-Object Include -EQ 'YamlDotNet').Version.Trim('[]')
    $yamlDll = Join-Path (Get-TestNuGetRoot) "yamldotnet/$version/lib/net8.0/YamlDotNet.dll"
    if (-not (Test-Path $yamlDll)) { throw "YamlDotNet $version is not restored at $yamlDll (build.ps1 -Task Test restores tests/TestPackages)." }
    Add-Type -Path $yamlDll

    function Read-Yaml([string] $Path) {
        # Mappings become dictionaries, sequences lists, scalars strings; a duplicate key or bad indentation throws.
        [YamlDotNet.Serialization.DeserializerBuilder]::new().Build().Deserialize([IO.StringReader]::new((Get-Content -Raw $Path)))
    }

    function Get-Value($Map, [string] $Key) {
        if ($Map -is [System.Collections.IDictionary] -and $Map.ContainsKey($Key)) { $Map[$Key] }
    }

    function ConvertTo-Step($Raw, [string] $Kind) {
        # One shape for both dialects: the action (task, action, or step keyword), its inputs, its script, its env.
        $inputs = @{}
        $action = $null
        $script = $null
        if ($Kind -eq 'GitHub') {
            $action = Get-Value $Raw 'uses'
            $script = Get-Value $Raw 'run'
            $with = Get-Value $Raw 'with'
            if ($with) { foreach ($key in $with.Keys) { $inputs[$key] = $with[$key] } }
        }
        else {
            foreach ($keyword in 'task', 'checkout', 'publish', 'download', 'script', 'bash') {
                if ($Raw.ContainsKey($keyword)) { $action = if ($keyword -eq 'task') { $Raw['task'] } else { $keyword }; break }
            }
            $given = Get-Value $Raw 'inputs'
            if ($given) { foreach ($key in $given.Keys) { $inputs[$key] = $given[$key] } }
            $script = if ($action -in 'script', 'bash') { $Raw[$action] } else { $inputs['inlineScript'] }
            # The pipeline keywords for artifacts, in the inputs' terms; a download goes to $(Pipeline.Workspace)/<name>.
            if ($action -eq 'publish') { $inputs = @{ name = $Raw['artifact']; path = $Raw['publish'] } }
            if ($action -eq 'download') { $inputs = @{ name = $Raw['artifact']; path = "`$(Pipeline.Workspace)/$($Raw['artifact'])" } }
        }
        $env = @{}
        $givenEnv = Get-Value $Raw 'env'
        if ($givenEnv) { foreach ($key in $givenEnv.Keys) { $env[$key] = $givenEnv[$key] } }
        [pscustomobject]@{ Action = $action; Id = Get-Value $Raw 'id'; Inputs = $inputs; Script = $script; Env = $env; Raw = $Raw }
    }

    function Get-PipelineJobs($Document, [string] $Kind) {
        # GitHub jobs, or Azure DevOps stages (one job each): name, what they wait for, environment, variables, steps.
        if ($Kind -eq 'GitHub') {
            foreach ($name in $Document['jobs'].Keys) {
                $job = $Document['jobs'][$name]
                $variables = @{}
                $env = Get-Value $job 'env'
                if ($env) { foreach ($key in $env.Keys) { $variables[$key] = $env[$key] } }
                [pscustomobject]@{
                    Name = $name; Needs = @(Get-Value $job 'needs'); Environment = Get-Value $job 'environment'
                    Condition = Get-Value $job 'if'; Permissions = Get-Value $job 'permissions'; Variables = $variables
                    Steps = @(foreach ($step in $job['steps']) { ConvertTo-Step $step $Kind })
                }
            }
        }
        else {
            foreach ($stage in $Document['stages']) {
                if (@($stage['jobs']).Count -ne 1) { throw "Stage $($stage['stage']) has $(@($stage['jobs']).Count) jobs; this walk expects one." }
                $job = $stage['jobs'][0]
                $steps = if ($job.ContainsKey('steps')) { $job['steps'] } else { $job['strategy']['runOnce']['deploy']['steps'] }
                $variables = @{}
                foreach ($variable in @(Get-Value $stage 'variables')) { if ($variable -and $variable.ContainsKey('name')) { $variables[$variable['name']] = $variable['value'] } }
                [pscustomobject]@{
                    Name = $stage['stage']; Needs = @(Get-Value $stage 'dependsOn'); Environment = Get-Value $job 'environment'
                    Condition = Get-Value $stage 'condition'; Permissions = $null; Variables = $variables
                    Groups = @(@(Get-Value $stage 'variables') | ForEach-Object { Get-Value $_ 'group' } | Where-Object { $_ })
                    Steps = @(foreach ($step in $steps) { ConvertTo-Step $step $Kind })
                }
            }
        }
    }

    function Expand-Script([string] $Text, [hashtable] $Values) {
        # The script as it runs: continuation lines joined, the job's own variables ($(name), $NAME, ${NAME}) filled in.
        $text = $Text -replace '\\\r?\n\s*', ' '
        foreach ($name in $Values.Keys) {
            $text = $text.Replace("`$($name)", [string] $Values[$name]).Replace("`${$name}", [string] $Values[$name])
            $value = [string] $Values[$name]
            $text = [regex]::Replace($text, "\`$$([regex]::Escape($name))(?![A-Za-z0-9_])", { $value }.GetNewClosure())
        }
        $text
    }

    function Get-AzArgument([string] $Command, [string] $Name) {
        # The value after the option, quoted (spaces allowed) or bare.
        if ($Command -match "(?:^|\s)$Name\s+(?:`"(?<value>[^`"]*)`"|(?<value>\S+))") { $Matches.value }
    }

    function Get-Scalars($Node, [string] $Path = '') {
        # Every scalar with its path of keys, for the secret scan.
        if ($Node -is [System.Collections.IDictionary]) { foreach ($key in $Node.Keys) { Get-Scalars $Node[$key] "$Path/$key" } }
        elseif ($Node -is [System.Collections.IList]) { for ($i = 0; $i -lt $Node.Count; $i++) { Get-Scalars $Node[$i] "$Path[$i]" } }
        elseif ($null -ne $Node) { [pscustomobject]@{ Path = $Path; Value = [string] $Node } }
    }

    # What the files are checked against: build.ps1's tasks (from its parameter's ValidateSet), the README's test
    # command (the block under "All tests"), and the zip name the Package task writes.
    $buildScript = Join-Path $script:Root 'build.ps1'
    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($buildScript, [ref] $tokens, [ref] $errors)
    $taskParameter = $ast.ParamBlock.Parameters | Where-Object { $_.Name.VariablePath.UserPath -eq 'Task' }
    $script:BuildTasks = @(($taskParameter.Attributes | Where-Object { $_.TypeName.Name -eq 'ValidateSet' }).PositionalArguments.Value)

    $readme = Get-Content -Raw (Join-Path $script:Root 'README.md')
    if ($readme -notmatch '(?s)\*\*All tests\*\*.*?```bash\r?\n(?<command>[^\r\n]+)\r?\n```') { throw 'README.md has no "All tests" command block.' }
    $script:TestCommand = $Matches.command

    $script:BuildText = Get-Content -Raw $buildScript
    $zipName = [regex]::Match($script:BuildText, '"(vmeventops-functionapp-)\$version(\.zip)"')
    if (-not $zipName.Success) { throw 'build.ps1 no longer names the Function app zip "vmeventops-functionapp-$version.zip".' }
    $script:ZipPattern = "$($zipName.Groups[1].Value)*$($zipName.Groups[2].Value)"
    $script:PackageFolder = Join-Path $script:Root 'out/package'   # Package writes there; the Test task packages before Pester runs

    $script:Pipelines = @{}
    foreach ($file in 'azure-pipelines.yml', 'github-workflow.yml') {
        $kind = if ($file -eq 'github-workflow.yml') { 'GitHub' } else { 'AzureDevOps' }
        $document = Read-Yaml (Join-Path $script:Root "deploy/pipelines/$file")
        $jobs = @(Get-PipelineJobs $document $kind)
        $script:Pipelines[$kind] = [pscustomobject]@{
            Document = $document; Jobs = $jobs
            Text = Get-Content -Raw (Join-Path $script:Root "deploy/pipelines/$file")
            BuildJobs = @($jobs | Where-Object { -not $_.Environment })
            DeployJobs = @($jobs | Where-Object { $_.Environment })
        }
    }

    function Get-BuildTasks($Job) {
        @($Job.Steps | ForEach-Object { [regex]::Matches("$($_.Script)", '\./build\.ps1\s+-Task\s+(\w+)') } | ForEach-Object { $_.Groups[1].Value })
    }

    function Get-DeployCommands($Job) {
        # The job's az commands in step order, with the step each comes from.
        $index = 0
        foreach ($step in $Job.Steps) {
            $values = $Job.Variables.Clone()
            foreach ($key in $step.Env.Keys) { $values[$key] = $step.Env[$key] }
            if ($step.Script) {
                foreach ($line in ((Expand-Script $step.Script $values) -split '\r?\n')) {
                    if ($line -match '\baz\s') { [pscustomobject]@{ Step = $index; StepObject = $step; Command = $line.Trim() } }
                }
            }
            $index++
        }
    }

    function Get-ArtifactPublish($Job) {
        $Job.Steps | Where-Object { $_.Action -match '^(publish|actions/upload-artifact@)' -and $_.Inputs.name -eq 'package' }
    }
}

Describe 'deploy/pipelines/<Name>' -ForEach $script:PipelineFiles {
    BeforeAll {
        $pipeline = $script:Pipelines[$Kind]
    }

    It 'parses as YAML into jobs with steps, triggered on the main branch' {
        Should -ActualValue $pipeline.Document -BeOfType [System.Collections.IDictionary]
        $pipeline.Jobs.Count | Should -Be 4
        foreach ($job in $pipeline.Jobs) { $job.Steps.Count | Should -BeGreaterThan 0 -Because "job $($job.Name) must do something" }
        $trigger = if ($Kind -eq 'GitHub') { $pipeline.Document['on']['push']['branches'] } else { $pipeline.Document['trigger']['branches']['include'] }
        $trigger | Should -Contain 'main'
    }

    It 'runs the README''s test command verbatim, on .NET SDK 10 and Node.js 20, as root for the database servers' {
        $testJob = $pipeline.BuildJobs | Where-Object { $_.Steps.Script -match [regex]::Escape($script:TestCommand) }
        @($testJob).Count | Should -Be 1
        $testStep = $testJob.Steps | Where-Object { $_.Script -match [regex]::Escape($script:TestCommand) }
        $testStep.Script | Should -Match "^sudo\b.*'$([regex]::Escape($script:TestCommand))'$" -Because 'the test command installs PostgreSQL and MariaDB with apt'
        $dotnet = $testJob.Steps | Where-Object { $_.Action -match '^(UseDotNet@2|actions/setup-dotnet@)' }
        $node = $testJob.Steps | Where-Object { $_.Action -match '^(UseNode@1|actions/setup-node@)' }
        @($dotnet.Inputs['dotnet-version'], $dotnet.Inputs['version']) -join '' | Should -Match '^10\.'
        @($node.Inputs['node-version'], $node.Inputs['version']) -join '' | Should -Match '^20\b'
    }

    It 'calls only tasks that build.ps1 knows' {
        $tasks = @($pipeline.Jobs | ForEach-Object { Get-BuildTasks $_ })
        $tasks.Count | Should -BeGreaterThan 1
        $script:BuildTasks | Should -Contain 'Package'   # the ValidateSet was found at all
        foreach ($task in $tasks) { $script:BuildTasks | Should -Contain $task -Because "'./build.ps1 -Task $task' must be a task of build.ps1" }
    }

    It 'references only repository paths that exist, or that build.ps1 writes to out/' {
        $paths = [regex]::Matches($pipeline.Text, '(?<![\w/.$-])((?:deploy|tests|src|module|\.ci|out)/[\w./*-]+|\./build\.ps1)') | ForEach-Object { $_.Groups[1].Value.TrimEnd('.') } | Sort-Object -Unique
        $paths | Should -Contain 'deploy/infra/main.bicep'
        $paths | Should -Contain 'out/package'
        foreach ($path in $paths) {
            switch -Regex ($path) {
                '^out/package$' { Test-Path $script:PackageFolder | Should -BeTrue -Because 'build.ps1 -Task Package writes out/package' }
                # The Test task's results (out/test is $testOut): a trx per xunit project, and Pester's NUnit XML beside pester.json.
                '^out/test/\*\.trx$' {
                    $script:BuildText | Should -Match ([regex]::Escape("`$testOut = Join-Path `$out 'test'"))
                    $script:BuildText | Should -Match ([regex]::Escape('--logger "trx;LogFileName=$trx" --results-directory $testOut'))
                }
                '^out/test/pester\.xml$' {
                    $script:BuildText | Should -Match ([regex]::Escape("Join-Path `$testOut 'pester.json'"))
                    Get-Content -Raw (Join-Path $PSScriptRoot 'Invoke-PesterSuite.ps1') | Should -Match ([regex]::Escape("ChangeExtension(`$ResultPath, '.xml')"))
                }
                '^out/(?!package$|test/\*\.trx$|test/pester\.xml$)' { throw "$path is not something build.ps1 writes." }
                default { @(Get-ChildItem (Join-Path $script:Root $path) -ErrorAction SilentlyContinue).Count | Should -BeGreaterThan 0 -Because "$path is referenced" }
            }
        }
    }

    It 'tests, then packages out/package as the artifact that the deploy jobs download' {
        $testJob = $pipeline.BuildJobs | Where-Object { (Get-BuildTasks $_) -contains 'Test' }
        $packageJob = $pipeline.BuildJobs | Where-Object { (Get-BuildTasks $_) -contains 'Package' }
        $testJob.Needs | Should -BeNullOrEmpty
        $packageJob.Needs | Should -Be @($testJob.Name)
        $published = Get-ArtifactPublish $packageJob
        @($published).Count | Should -Be 1
        $published.Inputs.path | Should -Be 'out/package'
        foreach ($job in $pipeline.DeployJobs) {
            $download = $job.Steps | Where-Object { $_.Action -match '^(download|actions/download-artifact@)' -and $_.Inputs.name -eq 'package' }
            @($download).Count | Should -Be 1 -Because "$($job.Name) deploys the package"
            $zipDeploy = Get-DeployCommands $job | Where-Object Command -Match 'az functionapp deployment source config-zip'
            @($zipDeploy).Count | Should -Be 1
            # The zip comes from the downloaded artifact, under the name build.ps1 gives it (one such file in out/package).
            $zipDeploy.StepObject.Script -replace '"', '' | Should -Match ([regex]::Escape("zip=`$(ls $($download.Inputs.path)/$script:ZipPattern)"))
            $zipDeploy.Command | Should -Match '--src "\$zip"'
            @(Get-ChildItem $script:PackageFolder -Filter $script:ZipPattern).Count | Should -Be 1
        }
    }

    It 'deploys to test first and then to prod, each in its environment with its own parameters file' {
        $deploy = $pipeline.DeployJobs
        @($deploy.Environment) | Should -Be @('test', 'prod')
        $packageJob = $pipeline.BuildJobs | Where-Object { (Get-BuildTasks $_) -contains 'Package' }
        $deploy[0].Needs | Should -Be @($packageJob.Name)
        $deploy[1].Needs | Should -Be @($deploy[0].Name) -Because 'prod waits for test (and for its approval)'
        foreach ($job in $deploy) {
            $job.Condition | Should -Match 'pull_request|PullRequest' -Because 'a pull request is built and tested, never deployed'
            foreach ($command in Get-DeployCommands $job | Where-Object Command -Match 'az deployment group (what-if|create)') {
                Get-AzArgument $command.Command '-f' | Should -Be 'deploy/infra/main.bicep'
                Get-AzArgument $command.Command '-p' | Should -Be "deploy/infra/environments/$($job.Environment).bicepparam"
            }
        }
    }

    It 'runs what-if before create, and zip-deploys the Function app the deployment names' {
        foreach ($job in $pipeline.DeployJobs) {
            $commands = @(Get-DeployCommands $job)
            $whatIf = @($commands | Where-Object Command -Match 'az deployment group what-if')
            $create = @($commands | Where-Object Command -Match 'az deployment group create')
            $zip = @($commands | Where-Object Command -Match 'az functionapp deployment source config-zip')
            $whatIf.Count, $create.Count, $zip.Count | Should -Be 1, 1, 1
            $whatIf[0].Step | Should -BeLessThan $create[0].Step
            $create[0].Step | Should -BeLessThan $zip[0].Step
            Get-AzArgument $whatIf[0].Command '-g' | Should -Be (Get-AzArgument $create[0].Command '-g')
            Get-AzArgument $zip[0].Command '-g' | Should -Be (Get-AzArgument $create[0].Command '-g')
            # The app's name is the deployment's functionAppName output, handed from the create step to the zip deploy.
            $create[0].Command | Should -Match '--query properties\.outputs\.functionAppName\.value'
            $appName = Get-AzArgument $zip[0].Command '-n'
            if ($Kind -eq 'GitHub') {
                $create[0].StepObject.Script | Should -Match 'functionAppName=.*>> "\$GITHUB_OUTPUT"'
                $appName | Should -Be "`${{ steps.$($create[0].StepObject.Id).outputs.functionAppName }}"
            }
            else {
                $create[0].StepObject.Script | Should -Match '##vso\[task\.setvariable variable=functionAppName\]'
                $appName | Should -Be '$(functionAppName)'
            }
        }
        Get-Content -Raw (Join-Path $script:Root 'deploy/infra/main.bicep') | Should -Match '(?m)^output functionAppName string'
    }

    It 'signs in to Azure by workload identity federation only' {
        $allScripts = ($pipeline.Jobs.Steps.Script | Where-Object { $_ }) -join "`n"
        $allScripts | Should -Not -Match '\baz login\b' -Because 'the sign-in belongs to the platform, never to a script with a secret'
        foreach ($job in $pipeline.DeployJobs) {
            if ($Kind -eq 'GitHub') {
                $job.Permissions['id-token'] | Should -Be 'write'
                $login = @($job.Steps | Where-Object Action -Match '^azure/login@v2$')
                $login.Count | Should -Be 1
                foreach ($input in 'client-id', 'tenant-id', 'subscription-id') {
                    $login[0].Inputs[$input] | Should -Match '^\$\{\{\s*vars\.\w+\s*\}\}$' -Because "$input comes from a non-secret variable"
                }
                @($login[0].Inputs.Keys) | Sort-Object | Should -Be @('client-id', 'subscription-id', 'tenant-id')
                $firstAz = ($job.Steps | Where-Object { $_.Script -match '\baz\s' } | Select-Object -First 1)
                [array]::IndexOf($job.Steps, $login[0]) | Should -BeLessThan ([array]::IndexOf($job.Steps, $firstAz))
            }
            else {
                foreach ($step in $job.Steps | Where-Object { $_.Script -match '\baz\s' }) {
                    $step.Action | Should -Be 'AzureCLI@2'
                    $step.Inputs['azureSubscription'] | Should -Be "vmeventops-$($job.Environment)"
                    # Nothing that carries a credential or hands the federated token to the script (addSpnToEnvironment).
                    $step.Inputs.Keys | Where-Object { $_ -notin 'azureSubscription', 'scriptType', 'scriptLocation', 'inlineScript', 'workingDirectory' } | Should -BeNullOrEmpty
                }
            }
        }
        if ($Kind -eq 'GitHub') {
            # Nothing else in the workflow gets an OIDC token.
            ($pipeline.Jobs | Where-Object { $_.Permissions -and $_.Permissions['id-token'] }).Name | Should -Be @($pipeline.DeployJobs.Name)
            Get-Value (Get-Value $pipeline.Document 'permissions') 'id-token' | Should -BeNullOrEmpty
        }
    }

    It 'holds no secret: no key, password or id literals, and only the database password as a secret variable' {
        foreach ($scalar in Get-Scalars $pipeline.Document) {
            $value = $scalar.Value
            $value | Should -Not -Match '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}' -Because "ids belong in variables ($($scalar.Path))"
            $value | Should -Not -Match '[A-Za-z0-9+/]{40,}={0,2}' -Because "it looks like a key ($($scalar.Path))"
            $value | Should -Not -Match '(?i)(password|pwd|secret|accountkey|sharedaccesskey|client-secret)\s*[=:]\s*[^\s$]' -Because "it looks like a credential ($($scalar.Path))"
            $value | Should -Not -Match '-----BEGIN'
            if ($scalar.Path -match '(?i)(password|secret|creds|credential|[^-]token|key)[^/]*$' -and $scalar.Path -notmatch '/permissions/') {
                $value | Should -Match '^(\$\(\w+\)|\$\{\{\s*(secrets|vars)\.\w+\s*\}\})$' -Because "$($scalar.Path) must come from a variable"
            }
        }
        # GitHub names its secrets as secrets.X; Azure DevOps hands a secret to a script only through a step's env.
        $secretNames = if ($Kind -eq 'GitHub') { [regex]::Matches($pipeline.Text, '\$\{\{\s*secrets\.(\w+)') | ForEach-Object { $_.Groups[1].Value } }
        else { $pipeline.Jobs.Steps.Env.Keys }
        @($secretNames | Sort-Object -Unique) | Should -Be @('VMEVENTOPS_DBPASSWORD')
    }

    It 'deploys prod exactly as test' {
        $test, $prod = $pipeline.DeployJobs
        $shape = { param($Job) ($Job.Steps | Select-Object Action, Id, Inputs, Script, Env | ConvertTo-Json -Depth 5) + ($Job.Variables | ConvertTo-Json) + ($Job.Permissions | ConvertTo-Json) }
        (& $shape $prod) | Should -Be ((& $shape $test) -replace 'test', 'prod')
        if ($Kind -eq 'AzureDevOps') { $prod.Groups | Should -Be @($test.Groups -replace 'test', 'prod') }
    }
}

Describe 'The two pipelines' {
    It 'run the same build.ps1 tasks in the same order' {
        $sequence = foreach ($kind in 'AzureDevOps', 'GitHub') { (@($script:Pipelines[$kind].BuildJobs | ForEach-Object { (Get-BuildTasks $_) -join '+' }) -join ' -> ') }
        $sequence[0] | Should -Be 'Test -> Package'
        $sequence[1] | Should -Be $sequence[0]
    }

    It 'deploy to the same environments with the same parameters files' {
        $deploys = foreach ($kind in 'AzureDevOps', 'GitHub') {
            (@($script:Pipelines[$kind].DeployJobs | ForEach-Object { "$($_.Environment):" + ((Get-DeployCommands $_ | Where-Object Command -Match 'what-if' | ForEach-Object { Get-AzArgument $_.Command '-p' }) -join ',') }) -join ' -> ')
        }
        $deploys[0] | Should -Be 'test:deploy/infra/environments/test.bicepparam -> prod:deploy/infra/environments/prod.bicepparam'
        $deploys[1] | Should -Be $deploys[0]
    }
}
