@{
    RootModule           = 'VmEventOps.dll'
    # The enums of parameters and results, in the default context before the cmdlets: [VmEventOps.VmEventOutcome]::Succeeded.
    RequiredAssemblies   = @('VmEventOps.Contracts.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '34361e55-666b-4af1-83e6-eac6eac1b984'
    Author               = 'VmEventOps'
    CompanyName          = 'VmEventOps'
    Copyright            = '(c) VmEventOps. All rights reserved.'
    Description          = 'Onboards every new Azure VM automatically: reads Event Grid VM-creation events from a Storage queue, looks the VM and its private IP up in Azure Resource Manager, checks a database connection, starts an Azure Automation runbook, and routes each message to succeeded, retry or poison. For admins, Automation runbooks and PowerShell Azure Functions.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('VmEventOps.Format.ps1xml')
    CmdletsToExport      = @(
        'ConvertFrom-VmEvent'
        'Get-VmAccessToken'
        'Get-VmEventConfiguration'
        'Get-VmEventDeadLetter'
        'Get-VmEventMessage'
        'Get-VmEventQueueStatus'
        'Get-VmEventTrail'
        'Get-VmNetworkInfo'
        'Get-VmOnboardingCompliance'
        'Get-VmOnboardingRule'
        'Get-VmOnboardingState'
        'Get-VmRunbookJob'
        'Invoke-VmEventWorkflow'
        'Invoke-VmRunbook'
        'Send-VmEventMessage'
        'Start-VmEventRetry'
        'Start-VmEventWorker'
        'Sync-VmOnboarding'
        'Test-VmDbConnection'
        'Test-VmOnboardingRule'
        'Invoke-VmEventApi'
        'Start-VmEventDashboard'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Azure', 'EventGrid', 'VirtualMachine', 'Onboarding', 'Automation', 'Runbook', 'StorageQueue', 'AzureFunctions', 'ManagedIdentity', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            ReleaseNotes = @'
0.1.0
- Foundation: isolated dependency loading (the module loads beside Az.Accounts, dbatools and SqlServer, and on PowerShell 7.4).
- Layered configuration (defaults < settings file < VMEVENTOPS_* environment < parameters) with Get-VmEventConfiguration.
- Help for every cmdlet, generated from the code.
- Events and queues: ConvertFrom-VmEvent (Event Grid and CloudEvents, raw or base64, batches, scope filter),
  Get-VmEventMessage, Send-VmEventMessage and Get-VmEventQueueStatus.
- Identity: Get-VmAccessToken and one cached credential per identity (managed identity, workload identity, service
  principal, Azure CLI, or a token passed in), also used for storage without a connection string.
- Azure Resource Manager: Get-VmNetworkInfo (VM and NIC lookup), Invoke-VmRunbook and Get-VmRunbookJob (Automation jobs,
  idempotent by job name, -Wait with the whole output), over pinned, configurable api-versions.
- Test-VmDbConnection: staged database checks (SQL Server, PostgreSQL, MySQL/MariaDB, SQLite).
- The workflow: Invoke-VmEventWorkflow, Start-VmEventWorker, Start-VmEventRetry and Get-VmOnboardingState: one message
  to one outcome, with onboarding state, retries with backoff, and a worker for hosts without Functions.
'@
        }
    }
}
