# deploy/infra compiled and linted by the Bicep CLI (NuGet Azure.Bicep.CommandLine.linux-x64, pinned in
# tests/TestPackages), and the compiled ARM template checked for what the design depends on.
BeforeDiscovery {
    $script:BicepFiles = @(Get-ChildItem (Join-Path $PSScriptRoot '../../deploy/infra') -Recurse -Filter '*.bicep' | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
    # The pipelines' parameter files: one per environment, each with the database password in Key Vault.
    $script:EnvironmentFiles = @(Get-ChildItem (Join-Path $PSScriptRoot '../../deploy/infra/environments') -Filter '*.bicepparam' | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
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
        $parameters = (Get-Content -Raw (Join-Path $TestDrive 'main.parameters.json') | ConvertFrom-Json -AsHashtable).parameters
        $parameters.automationAccountId.value | Should -Match '/providers/Microsoft.Automation/automationAccounts/'
        # Key Vault stays off unless asked for: the plain secure parameter, as before the option existed.
        $parameters.ContainsKey('useKeyVault') | Should -BeFalse
        $script:Template.parameters.useKeyVault.defaultValue | Should -BeFalse
    }

    It 'builds and lints <Name> with Key Vault on, the password read from the environment at deployment time' -ForEach $script:EnvironmentFiles {
        $marker = "from-the-environment-$([guid]::NewGuid().ToString('n'))"
        $outFile = Join-Path $TestDrive "$Name.json"
        $params = Invoke-WithEnvironment @{ VMEVENTOPS_DBPASSWORD = $marker } { Invoke-Bicep build-params $Path --outfile $outFile }
        $params.ExitCode | Should -Be 0
        $params.Output | Should -BeNullOrEmpty
        $lint = Invoke-Bicep lint $Path
        $lint.ExitCode | Should -Be 0
        $lint.Output | Should -BeNullOrEmpty
        $parameters = (Get-Content -Raw $outFile | ConvertFrom-Json).parameters
        $parameters.useKeyVault.value | Should -BeTrue
        $parameters.dbPassword.value | Should -Be $marker
        $parameters.automationAccountId.value | Should -Match '/providers/Microsoft.Automation/automationAccounts/'
        Get-Content -Raw $Path | Should -Match "(?m)^using '\.\./main\.bicep'$" -Because 'each environment deploys the one template'
    }
}

Describe 'The compiled template' {
    It 'subscribes the main queue to successful VM writes and deletes only, with retries, dead-lettering and no expiry' {
        $subscription = Get-Resource 'Microsoft.EventGrid/systemTopics/eventSubscriptions'
        $subscription.Count | Should -Be 1
        $properties = $subscription[0].properties
        $properties.filter.includedEventTypes | Should -Be @('Microsoft.Resources.ResourceWriteSuccess', 'Microsoft.Resources.ResourceDeleteSuccess')
        $properties.filter.advancedFilters[0].key | Should -Be 'data.operationName'
        $properties.filter.advancedFilters[0].operatorType | Should -Be 'StringIn'
        $properties.filter.advancedFilters[0].values | Should -Be @('Microsoft.Compute/virtualMachines/write', 'Microsoft.Compute/virtualMachines/delete')
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
        $roleAssignments.Count | Should -Be 8   # the storage loop, two for Event Grid, a reader per scope kind, the Automation loop, the vault's, the sweep's dead letters
        $expected = [ordered]@{
            'Storage Queue Data Contributor'    = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
            'Storage Table Data Contributor'    = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
            'Storage Blob Data Owner'           = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
            'Reader'                            = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
            'Automation Job Operator'           = '4fe576fe-1146-4730-92eb-48519fa6bf9f'
            'Automation Runbook Operator'       = '5fb5aef8-1081-4b8e-bb16-9d5d0385bab5'
            'Storage Queue Data Message Sender' = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
            'Storage Blob Data Contributor'     = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
            'Key Vault Secrets User'            = '4633458b-17de-408a-b874-0445c86b69e6'
        }
        foreach ($role in $expected.Keys) { $script:Text | Should -Match $expected[$role] -Because $role }
    }

    It 'gives the sweep Storage Blob Data Contributor on the dead-letter container, the container Event Grid dead-letters to, and its schedule' {
        $sweep = @((Get-Resource 'Microsoft.Authorization/roleAssignments') | Where-Object { "$($_.scope)" -match 'eventgrid-deadletter|deadLetterContainer' -and "$($_.properties.principalId)" -match 'functionApp|sites' })
        $sweep.Count | Should -Be 1
        $sweep[0].properties.roleDefinitionId | Should -Match "variables\('roles'\)\.storageBlobDataContributor"
        $script:Template.variables.roles.storageBlobDataContributor | Should -Be 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
        $script:Template.variables.deadLetterContainerName | Should -Be ($script:Catalog | Where-Object Name -EQ 'DeadLetterContainerName').Default
        $script:Text | Should -Match 'VMEVENTOPS_DEADLETTERCONTAINERNAME'
        $script:Template.parameters.reconcileSchedule.defaultValue | Should -Be '0 0 * * * *'
        $script:Text | Should -Match "'ReconcileSchedule'|`"ReconcileSchedule`""
    }

    It 'sends the logs to Log Analytics and alerts on the retry and poison depths the retry pass logs' {
        (Get-Resource 'Microsoft.OperationalInsights/workspaces').Count | Should -Be 1
        (Get-Resource 'Microsoft.Insights/diagnosticSettings').Count | Should -Be 4   # queues, Function app, topic, a new vault
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

# ARM evaluates conditions at deployment time, so both cases are in the one compiled template: what useKeyVault switches
# on is checked through its condition, what it switches off through the expression that leaves it out.
Describe 'The compiled template with useKeyVault' {
    BeforeAll {
        $script:VaultModule = (Get-Resource 'Microsoft.Resources/deployments') | Where-Object name -EQ 'vmeventops-key-vault'
        $script:VaultResources = @($script:VaultModule.properties.template.resources)
    }

    It 'creates the vault only when asked, in RBAC mode with soft delete and purge protection, audited to Log Analytics' {
        $script:VaultModule.condition | Should -Be "[parameters('useKeyVault')]"
        $vaults = @(Get-Resource 'Microsoft.KeyVault/vaults')
        $vaults.Count | Should -Be 1
        $vaults[0].condition | Should -Be "[parameters('createVault')]"
        $properties = $vaults[0].properties
        $properties.enableRbacAuthorization | Should -BeTrue
        $properties.enableSoftDelete | Should -BeTrue
        $properties.enablePurgeProtection | Should -Be "[if(parameters('enablePurgeProtection'), true(), null())]"
        $script:Template.parameters.keyVaultPurgeProtection.defaultValue | Should -BeTrue
        $properties.publicNetworkAccess | Should -Be 'Enabled'
        $audit = @($script:VaultResources | Where-Object type -EQ 'Microsoft.Insights/diagnosticSettings')
        $audit.Count | Should -Be 1
        $audit[0].scope | Should -Match "Microsoft.KeyVault/vaults"
        $audit[0].properties.logs.category | Should -Be 'AuditEvent'
        $script:VaultModule.properties.parameters.workspaceId.value | Should -Match 'Microsoft.OperationalInsights/workspaces'
    }

    It 'lets the Function app''s identity read the vault''s secrets (Key Vault Secrets User)' {
        $assignments = @($script:VaultResources | Where-Object type -EQ 'Microsoft.Authorization/roleAssignments')
        $assignments.Count | Should -Be 1
        $script:VaultModule.properties.template.variables.keyVaultSecretsUser | Should -Be '4633458b-17de-408a-b874-0445c86b69e6'
        $assignments[0].properties.roleDefinitionId | Should -Match "roleDefinitions', variables\('keyVaultSecretsUser'\)"
        $assignments[0].scope | Should -Match "Microsoft.KeyVault/vaults"
        $assignments[0].name | Should -Match '^\[guid\('   # the same name on every deployment: redeploying does not add one
        $assignments[0].properties.principalId | Should -Be "[parameters('principalId')]"
        $script:VaultModule.properties.parameters.principalId.value | Should -Match "resourceId\('Microsoft.Web/sites', variables\('functionAppName'\)\).*\.identity\.principalId"
    }

    It 'stores the password as the vault''s secret, and only when one is given' {
        $script:Template.variables.dbPasswordSecretName | Should -Be 'vmeventops-db-password'
        $secret = @($script:VaultResources | Where-Object type -EQ 'Microsoft.KeyVault/vaults/secrets')
        $secret.Count | Should -Be 1
        $secret[0].condition | Should -Be "[not(empty(parameters('dbPassword')))]"
        $secret[0].properties.value | Should -Be "[parameters('dbPassword')]"
        $script:VaultModule.properties.template.parameters.dbPassword.type | Should -Be 'securestring'
        $script:VaultModule.properties.parameters.dbPassword.value | Should -Be "[parameters('dbPassword')]"
    }

    It 'sets VMEVENTOPS_DBPASSWORD to a Key Vault reference after the role assignment when on' {
        # Get-Resource answers one array: unrolled, so each config resource is matched on its own name.
        $settings = @(Get-Resource 'Microsoft.Web/sites/config' | ForEach-Object { $_ } | Where-Object { $_.name -match "'appsettings'" })
        $settings.Count | Should -Be 1
        $settings[0].condition | Should -Be "[parameters('useKeyVault')]"
        $settings[0].properties | Should -Match ([regex]::Escape("createObject('VMEVENTOPS_DBPASSWORD', format('@Microsoft.KeyVault(SecretUri={0})', reference(") + ".*'vmeventops-key-vault'.*\.outputs\.dbCredentialUri\.value\)\)")
        # The versionless URI of the secret, so a new version is picked up without a deployment.
        $script:VaultModule.properties.template.outputs.dbCredentialUri.value | Should -Be "[format('{0}secrets/{1}', reference(resourceId('Microsoft.KeyVault/vaults', parameters('vaultName')), '2024-11-01').vaultUri, parameters('dbPasswordSecretName'))]"
        # Written only once the module (the secret and the role assignment) has finished.
        @($settings[0].dependsOn | Where-Object { $_ -match "'Microsoft.Resources/deployments', 'vmeventops-key-vault'" }).Count | Should -Be 1
    }

    It 'sets VMEVENTOPS_DBPASSWORD to the secure parameter itself when off, and leaves it out of the site''s own settings when on' {
        $appSettings = (Get-Resource 'Microsoft.Web/sites')[0].properties.siteConfig.appSettings
        $appSettings | Should -Match ([regex]::Escape("createObject('name', 'VMEVENTOPS_DBPASSWORD', 'value', parameters('dbPassword'))"))
        $appSettings | Should -Match ([regex]::Escape("not(and(parameters('useKeyVault'), equals(lambdaVariables('setting').name, 'VMEVENTOPS_DBPASSWORD')))"))
        $script:Template.parameters.dbPassword.type | Should -Be 'securestring'
    }

    It 'reports the vault in the outputs when used' {
        $script:Template.outputs.keyVaultName.value | Should -Match "^\[if\(parameters\('useKeyVault'\), reference\(.*'vmeventops-key-vault'.*\.outputs\.name\.value, ''\)\]$"
        $script:Template.outputs.keyVaultUri.value | Should -Match "^\[if\(parameters\('useKeyVault'\), reference\(.*'vmeventops-key-vault'.*\.outputs\.uri\.value, ''\)\]$"
    }
}

Describe 'The compiled template with dashboardAuthentication' {
    BeforeAll {
        $script:Auth = Get-Resource 'Microsoft.Web/sites/config' | ForEach-Object { $_ } | Where-Object { "$($_['name'])" -match "'authsettingsV2'" } | Select-Object -First 1
    }

    It 'puts App Service Authentication with Microsoft Entra ID in front of the app only when asked' {
        $script:Auth | Should -Not -BeNullOrEmpty
        $script:Auth['condition'] | Should -Be "[parameters('dashboardAuthentication')]"
        $script:Template.parameters.dashboardAuthentication.defaultValue | Should -BeFalse
        $script:Auth['properties']['platform']['enabled'] | Should -BeTrue
        $script:Auth['properties']['identityProviders']['azureActiveDirectory']['enabled'] | Should -BeTrue
        $script:Auth['properties']['identityProviders']['azureActiveDirectory']['registration']['openIdIssuer'] | Should -Match 'dashboardTenantId'
    }

    It 'lets anonymous requests through, so the function-key API and the triggers keep working' {
        $script:Auth['properties']['globalValidation']['requireAuthentication'] | Should -BeFalse
        $script:Auth['properties']['globalValidation']['unauthenticatedClientAction'] | Should -Be 'AllowAnonymous'
    }

    It 'tells the module which roles and groups may act from the dashboard' {
        $settings = $script:Text
        $settings | Should -Match 'VMEVENTOPS_DASHBOARDACTIONROLES'
        $settings | Should -Match 'VMEVENTOPS_DASHBOARDACTIONGROUPS'
        $script:Template.parameters.dashboardActionRoles.defaultValue | Should -Be 'VmEventOps.Operator'
    }
}
