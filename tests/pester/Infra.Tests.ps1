# deploy/infra compiled and linted by the Bicep CLI (NuGet Azure.Bicep.CommandLine.linux-x64, pinned in
# tests/TestPackages), and the compiled ARM template checked for what the design depends on.
BeforeDiscovery {
    $script:BicepFiles = @(Get-ChildItem (Join-Path $PSScriptRoot '../../deploy/infra') -Recurse -Filter '*.bicep' | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $infra = Join-Path $PSScriptRoot '../../deploy/infra'
    [xml] $packages = Get-Content -Raw (Join-Path $PSScriptRoot '../TestPackages/TestPackages.csproj')
    $version = ($packages.Project.ItemGroup.PackageDownload | Where-Object Include -EQ 'Azure.Bicep.CommandLine.linux-x64').Version.Trim('[]')
    $script:Bicep = Join-Path (Get-TestNuGetRoot) "azure.bicep.commandline.linux-x64/$version/tools/bicep"
    if (-not (Test-Path $script:Bicep)) { throw "The Bicep CLI $version is not restored at $script:Bicep (build.ps1 -Task Test restores tests/TestPackages)." }
    if (-not $IsWindows) { & chmod +x $script:Bicep }

    function Invoke-Bicep {
        # Returns the exit code and everything the CLI wrote (errors and warnings go to stderr).
        $output = & $script:Bicep @args 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" } | Where-Object { $_.Trim() }) }
    }

    $script:Compiled = Join-Path $TestDrive 'main.json'
    $script:Build = Invoke-Bicep build (Join-Path $infra 'main.bicep') --outfile $script:Compiled
    $script:Text = if (Test-Path $script:Compiled) { Get-Content -Raw $script:Compiled } else { '' }
    $script:Template = $script:Text | ConvertFrom-Json -AsHashtable

    function Get-TemplateResources($Node) {
        # Every resource of the template and of its modules' nested templates.
        if ($Node -is [System.Collections.IDictionary]) {
            if ($Node.type -is [string] -and $Node.ContainsKey('apiVersion')) { $Node }
            foreach ($value in $Node.Values) { Get-TemplateResources $value }
        }
        elseif ($Node -is [System.Collections.IList]) { foreach ($item in $Node) { Get-TemplateResources $item } }
    }
    $script:Resources = @(Get-TemplateResources $script:Template)
    function Get-Resource([string] $Type) { , @($script:Resources | Where-Object { $_['type'] -eq $Type }) }   # an array even for one resource (a hashtable's Count is its keys)

    # The module's own settings catalog: names and defaults the template must agree with.
    $script:Catalog = Invoke-FreshPwsh -Script "Import-Module '$(Get-TestModulePath)'; Get-VmEventConfiguration | Select-Object Name, EnvironmentVariable, @{ n = 'Default'; e = { `"`$(`$_.Value)`" } }"
}

Describe 'Bicep' {
    It 'builds main.bicep without errors or warnings' {
        $script:Build.ExitCode | Should -Be 0
        $script:Build.Output | Should -BeNullOrEmpty
    }

    It 'lints <Name> clean' -ForEach $script:BicepFiles {
        $lint = Invoke-Bicep lint $Path
        $lint.ExitCode | Should -Be 0
        $lint.Output | Should -BeNullOrEmpty
    }

    It 'builds the parameters file against the template' {
        $params = Invoke-Bicep build-params (Join-Path $PSScriptRoot '../../deploy/infra/main.bicepparam') --outfile (Join-Path $TestDrive 'main.parameters.json')
        $params.ExitCode | Should -Be 0
        $params.Output | Should -BeNullOrEmpty
        (Get-Content -Raw (Join-Path $TestDrive 'main.parameters.json') | ConvertFrom-Json).parameters.automationAccountId.value | Should -Match '/providers/Microsoft.Automation/automationAccounts/'
    }
}

Describe 'The compiled template' {
    It 'subscribes the main queue to successful VM writes only, with retries, dead-lettering and no expiry' {
        $subscription = Get-Resource 'Microsoft.EventGrid/systemTopics/eventSubscriptions'
        $subscription.Count | Should -Be 1
        $properties = $subscription[0].properties
        $properties.filter.includedEventTypes | Should -Be @('Microsoft.Resources.ResourceWriteSuccess')
        $properties.filter.advancedFilters[0].key | Should -Be 'data.operationName'
        $properties.filter.advancedFilters[0].operatorType | Should -Be 'StringIn'
        $properties.filter.advancedFilters[0].values | Should -Be @('Microsoft.Compute/virtualMachines/write')
        $properties.eventDeliverySchema | Should -Be 'EventGridSchema'
        $properties.retryPolicy.maxDeliveryAttempts | Should -BeGreaterThan 1
        $properties.deliveryWithResourceIdentity.destination.endpointType | Should -Be 'StorageQueue'
        $properties.deliveryWithResourceIdentity.destination.properties.queueMessageTimeToLiveInSeconds | Should -Be -1
        $properties.deadLetterWithResourceIdentity.deadLetterDestination.endpointType | Should -Be 'StorageBlob'
        (Get-Resource 'Microsoft.EventGrid/systemTopics')[0].properties.topicType | Should -Match 'Microsoft.Resources.Subscriptions'
    }

    It 'creates the four queues and the state table with the names the module uses by default' {
        $defaults = @{}
        foreach ($setting in $script:Catalog) { $defaults[$setting.Name] = $setting.Default }
        $queueNames = $script:Template.variables.queueNames
        @($queueNames.main, $queueNames.retry, $queueNames.succeeded, $queueNames.poison) |
            Should -Be @($defaults.QueueName, $defaults.RetryQueueName, $defaults.SucceededQueueName, $defaults.PoisonQueueName)
        (Get-Resource 'Microsoft.Storage/storageAccounts/queueServices/queues')[0].copy.count | Should -Match "items\(variables\('queueNames'\)\)"
        $script:Template.variables.stateTableName | Should -Be $defaults.StateTableName
        (Get-Resource 'Microsoft.Storage/storageAccounts/tableServices/tables').Count | Should -Be 1
    }

    It 'requires TLS 1.2 and HTTPS, and allows no public blob access' {
        $storage = (Get-Resource 'Microsoft.Storage/storageAccounts')[0].properties
        $storage.minimumTlsVersion | Should -Be 'TLS1_2'
        $storage.allowBlobPublicAccess | Should -BeFalse
        $storage.supportsHttpsTrafficOnly | Should -BeTrue
    }

    It 'runs a PowerShell 7.4 Function app on a consumption plan with a system-assigned identity' {
        (Get-Resource 'Microsoft.Web/serverfarms')[0].sku.tier | Should -Be 'Dynamic'
        $site = (Get-Resource 'Microsoft.Web/sites')[0]
        $site.identity.type | Should -Be 'SystemAssigned'
        $site.properties.siteConfig.powerShellVersion | Should -Be '7.4'
        $site.properties.httpsOnly | Should -BeTrue
        $script:Text | Should -Match 'FUNCTIONS_WORKER_RUNTIME'
        $script:Text | Should -Match 'VmEventStorage__queueServiceUri'   # the queue trigger's connection in function.json
    }

    It 'names only settings the module knows in its VMEVENTOPS_* app settings' {
        $known = @($script:Catalog.EnvironmentVariable)
        $named = @([regex]::Matches($script:Text, 'VMEVENTOPS_[A-Z]+') | ForEach-Object Value | Sort-Object -Unique)
        $named.Count | Should -BeGreaterThan 10
        $named | Where-Object { $_ -notin $known } | Should -BeNullOrEmpty
    }

    It 'grants every role the workflow needs' {
        $roleAssignments = Get-Resource 'Microsoft.Authorization/roleAssignments'
        $roleAssignments.Count | Should -Be 6   # the storage loop, two for Event Grid, a reader per scope kind, the Automation loop
        $expected = [ordered]@{
            'Storage Queue Data Contributor'    = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
            'Storage Table Data Contributor'    = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
            'Storage Blob Data Owner'           = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
            'Reader'                            = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
            'Automation Job Operator'           = '4fe576fe-1146-4730-92eb-48519fa6bf9f'
            'Automation Runbook Operator'       = '5fb5aef8-1081-4b8e-bb16-9d5d0385bab5'
            'Storage Queue Data Message Sender' = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
            'Storage Blob Data Contributor'     = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
        }
        foreach ($role in $expected.Keys) { $script:Text | Should -Match $expected[$role] -Because $role }
    }

    It 'sends the logs to Log Analytics and alerts on the retry and poison depths the retry pass logs' {
        (Get-Resource 'Microsoft.OperationalInsights/workspaces').Count | Should -Be 1
        (Get-Resource 'Microsoft.Insights/diagnosticSettings').Count | Should -Be 3
        $alert = (Get-Resource 'Microsoft.Insights/scheduledQueryRules')[0].properties
        $query = $alert.criteria.allOf[0].query
        $query | Should -Match 'VmEventOpsQueueStatus '
        # The query cuts the prefix that RetryFunction/run.ps1 writes before its JSON.
        $prefix = 'VmEventOpsQueueStatus '
        $query | Should -Match "substring\(Message, $($prefix.Length)\)"
        Get-Content -Raw (Join-Path $PSScriptRoot '../../deploy/functionapp/RetryFunction/run.ps1') | Should -Match ([regex]::Escape("'$prefix' +"))
        $query | Should -Match 'Poison > 0'
    }
}
