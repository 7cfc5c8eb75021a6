@{
    RootModule        = 'VmEventOps.StartupFloor.dll'
    ModuleVersion     = '1.0.0'
    GUID              = 'a7c1b8f2-3c55-4c1e-9a0d-6f1f2b9e4d21'
    Description       = 'The benchmark''s start-up floor: one cmdlet, no dependencies.'
    PowerShellVersion = '7.4'
    CmdletsToExport   = @('Get-StartupFloor')
    FunctionsToExport = @()
    AliasesToExport   = @()
    VariablesToExport = @()
}
