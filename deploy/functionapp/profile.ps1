# Runs once for each new PowerShell runspace of this Function app (on a cold start, and when the worker adds a runspace).
#
# The module comes from this app's Modules folder (the Functions worker puts it on PSModulePath); importing it here
# means the first invocation does not pay for it. Its settings are the app settings named VMEVENTOPS_* (see
# docs/reference/configuration.md); with VMEVENTOPS_AUTHMODE = ManagedIdentity it uses the app's managed identity,
# which the platform announces through IDENTITY_ENDPOINT and IDENTITY_HEADER.
Import-Module VmEventOps -ErrorAction Stop

# The time an invocation has: host.json's functionTimeout (or the AzureFunctionsJobHost__functionTimeout app setting that
# overrides it). The module never sleeps an ARM Retry-After past it: a longer wait defers the message to the retry queue
# instead of the host ending the invocation at its timeout (and poisoning the message after maxDequeueCount of them).
if (-not $env:VMEVENTOPS_INVOCATIONTIMEOUT) {
    $functionTimeout = $env:AzureFunctionsJobHost__functionTimeout
    if (-not $functionTimeout) {
        $hostJson = Join-Path $PSScriptRoot 'host.json'
        if (Test-Path $hostJson) { $functionTimeout = (Get-Content -Raw $hostJson | ConvertFrom-Json).functionTimeout }
    }
    # -1 (Premium and Dedicated plans): no limit.
    if ($functionTimeout -and "$functionTimeout" -ne '-1') { $env:VMEVENTOPS_INVOCATIONTIMEOUT = "$functionTimeout" }
}

# Fail the cold start, not the first event, when the settings are wrong: names, values and files are checked here
# (secrets are shown as ***).
$settings = Get-VmEventConfiguration -ErrorAction Stop

# App Service resolves @Microsoft.KeyVault(...) app settings itself; one it could not resolve (the role not yet
# granted, the secret missing) reaches the app as the reference text. Say so now, with the vault, the secret and the
# role, instead of at the first event; the invocations then try again with the module's own read of the vault.
if ($settings | Where-Object KeyVaultSecret) {
    $null = Get-VmEventConfiguration -Validate -ErrorAction Continue
}

# A rule of the Rules setting that is not valid stops every onboarding until it is fixed (each event waits in the retry
# queue, no attempt used, never poison): say which rule and why now, each as its own error with a stable id.
$null = Get-VmOnboardingRule -ErrorAction Continue
