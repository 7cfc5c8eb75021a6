# Runs once for each new PowerShell runspace of this Function app (on a cold start, and when the worker adds a runspace).
#
# The module comes from this app's Modules folder (the Functions worker puts it on PSModulePath); importing it here
# means the first invocation does not pay for it. Its settings are the app settings named VMEVENTOPS_* (see the
# README's configuration table); with VMEVENTOPS_AUTHMODE = ManagedIdentity it uses the app's managed identity,
# which the platform announces through IDENTITY_ENDPOINT and IDENTITY_HEADER.
Import-Module VmEventOps -ErrorAction Stop

# Fail the cold start, not the first event, when the settings are wrong: names, values and files are checked here
# (secrets are shown as ***).
$settings = Get-VmEventConfiguration -ErrorAction Stop

# App Service resolves @Microsoft.KeyVault(...) app settings itself; one it could not resolve (the role not yet
# granted, the secret missing) reaches the app as the reference text. Say so now, with the vault, the secret and the
# role, instead of at the first event; the invocations then try again with the module's own read of the vault.
if ($settings | Where-Object KeyVaultSecret) {
    $null = Get-VmEventConfiguration -Validate -ErrorAction Continue
}
