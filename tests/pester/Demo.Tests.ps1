# The README's main command runs this story; here it runs on the built module in every test run.
BeforeAll { Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force }

Describe 'The demo workflow' {
    It 'onboards each VM once, recognises the duplicate and the update, ignores the forged event, retries the late database, poisons the bad message' {
        { Invoke-DemoWorkflow -ModulePath (Get-TestModulePath) -WorkFolder (Join-Path $TestDrive 'demo') 6>$null } | Should -Not -Throw
    }
}
