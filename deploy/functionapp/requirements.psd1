# Managed dependencies are off (host.json: managedDependency.enabled = false) and nothing is listed here on purpose:
# VmEventOps carries its own Azure SDK, in its own load context, under Modules/VmEventOps (placed there by
# `build.ps1 -Task Package`). The Az modules are not needed, and a cold start does not wait for a Gallery download.
@{
}
