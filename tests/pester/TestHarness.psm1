# Shared by the Pester suite: where the built module is, a fresh pwsh for load-order tests, and Azurite.

$script:RepoRoot = if ($env:VMEVENTOPSTEST_REPO) { $env:VMEVENTOPSTEST_REPO } else { (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path }

function Get-TestModulePath {
    # The built module folder's manifest: what users import.
    if ($env:VMEVENTOPSTEST_MODULE) { return $env:VMEVENTOPSTEST_MODULE }
    Join-Path $script:RepoRoot 'out/VmEventOps/VmEventOps.psd1'
}

function Get-TestNuGetRoot {
    if ($env:VMEVENTOPSTEST_NUGET) { return $env:VMEVENTOPSTEST_NUGET }
    Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
}

function Invoke-WithEnvironment {
    # Runs a script block with environment variables set (inherited by the processes it starts), then restores them.
    param([hashtable] $Environment, [Parameter(Mandatory)] [scriptblock] $Action)
    $saved = @{}
    foreach ($name in $Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
    try { & $Action }
    finally { foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
}

function Invoke-PwshFile {
    # Runs a script file in a new pwsh process (the same pwsh as this one) and returns its last output line, a compressed
    # JSON document, as objects; host output (What if: ...) comes before it. Throws with the output on failure.
    param([Parameter(Mandatory)] [string] $Path, [string[]] $Arguments = @(), [hashtable] $Environment = @{})
    $output = Invoke-WithEnvironment $Environment { & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $Path @Arguments 2>&1 }
    if ($LASTEXITCODE -ne 0) { throw "pwsh exited with $LASTEXITCODE`n$($output -join "`n")" }
    $lines = @($output | Where-Object { $_ -is [string] -and $_.Trim() })
    if ($lines.Count -eq 0) { return $null }
    $lines[-1] | ConvertFrom-Json
}

function Invoke-FreshPwsh {
    # Runs a script in a new pwsh process and returns its output as objects (passed through ConvertTo-Json there).
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{})
    $file = Join-Path ([IO.Path]::GetTempPath()) "vmeventops-$([guid]::NewGuid().ToString('n')).ps1"
    Set-Content -Path $file -Value "`$ErrorActionPreference = 'Stop'`n& { $Script } | ConvertTo-Json -Depth 5 -Compress"
    try { Invoke-PwshFile -Path $file -Environment $Environment }
    finally { Remove-Item $file -ErrorAction SilentlyContinue }
}

function Get-TestFunctionAppPath {
    # The Function app as build.ps1 -Task Package lays it out: deploy/functionapp with the module in Modules/.
    if ($env:VMEVENTOPSTEST_FUNCTIONAPP) { return $env:VMEVENTOPSTEST_FUNCTIONAPP }
    Join-Path $script:RepoRoot 'out/package/functionapp'
}

function Invoke-FunctionHost {
    <#
    .SYNOPSIS
        Runs one function of the packaged Function app as the Functions host and PowerShell worker would
        (tests/pester/Invoke-FunctionHost.ps1) in a fresh pwsh; returns its report (ProfileErrors, Invocations, Poisoned).
    #>
    param([Parameter(Mandatory)] [string] $FunctionName, [hashtable] $Environment = @{}, [object[]] $Requests, [switch] $PastDue)
    $arguments = @('-AppRoot', (Get-TestFunctionAppPath), '-FunctionName', $FunctionName)
    $requestsFile = $null
    if ($Requests) {
        $requestsFile = Join-Path ([IO.Path]::GetTempPath()) "vmeventops-requests-$([guid]::NewGuid().ToString('n')).json"
        ConvertTo-Json -InputObject @($Requests) -Depth 5 | Set-Content $requestsFile
        $arguments += '-RequestsPath', $requestsFile
    }
    if ($PastDue) { $arguments += '-PastDue' }
    try { Invoke-PwshFile -Path (Join-Path $PSScriptRoot 'Invoke-FunctionHost.ps1') -Arguments $arguments -Environment $Environment }
    finally { if ($requestsFile) { Remove-Item $requestsFile -ErrorAction SilentlyContinue } }
}

function Start-TestAzurite {
    <#
    .SYNOPSIS
        Starts Azurite in memory on free loopback ports (or, with -Location, on disk, and on given ports to restart
        it); returns an object with ConnectionString (blob, queue and table endpoints), QueueUri, TableUri, BlobUri, ports and Process. Stop it with Stop-TestAzurite.
    #>
    param([string] $Location, [int] $BlobPort = 0, [int] $QueuePort = 0, [int] $TablePort = 0)
    $azurite = Join-Path $script:RepoRoot 'node_modules/azurite/dist/src/azurite.js'
    if (-not (Test-Path $azurite)) { throw "Azurite is not installed at ${azurite}: run 'npm ci' in $script:RepoRoot (build.ps1 -Task Test does)." }
    $start = [Diagnostics.ProcessStartInfo]::new('node')
    $persistence = if ($Location) { @('--location', $Location) } else { @('--inMemoryPersistence') }
    foreach ($argument in @($azurite) + $persistence + @('--skipApiVersionCheck', '--disableTelemetry', '--silent',
            '--blobHost', '127.0.0.1', '--blobPort', "$BlobPort", '--queueHost', '127.0.0.1', '--queuePort', "$QueuePort",
            '--tableHost', '127.0.0.1', '--tablePort', "$TablePort")) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($start)
    $urls = @{}
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($urls.Count -lt 3 -and [DateTime]::UtcNow -lt $deadline) {
        $line = $process.StandardOutput.ReadLine()
        if ($null -eq $line) { break }
        if ($line -match 'Azurite (Blob|Queue|Table) service is successfully listening at (http://\S+)') { $urls[$Matches[1]] = $Matches[2] }
    }
    if ($urls.Count -lt 3) {
        if (-not $process.HasExited) { $process.Kill($true) }
        throw "Azurite did not start: $($process.StandardError.ReadToEnd())"
    }
    $account = 'devstoreaccount1'
    # Azurite's well-known development key (public, documented): not a secret.
    $key = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
    [pscustomobject]@{
        Process          = $process
        QueueUri         = "$($urls.Queue)/$account"
        TableUri         = "$($urls.Table)/$account"
        BlobUri          = "$($urls.Blob)/$account"
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=$($urls.Blob)/$account;QueueEndpoint=$($urls.Queue)/$account;TableEndpoint=$($urls.Table)/$account"
        AccountKey       = $key
        Ports            = @{ Blob = ([uri]$urls.Blob).Port; Queue = ([uri]$urls.Queue).Port; Table = ([uri]$urls.Table).Port }
        Location         = $Location
    }
}

function Stop-TestAzurite {
    # SIGTERM first: Azurite saves its disk store on a graceful stop (a kill loses what it had not saved yet).
    param([Parameter(Mandatory)] $Azurite)
    if ($Azurite.Process.HasExited) { return }
    & kill -TERM $Azurite.Process.Id 2>$null
    if (-not $Azurite.Process.WaitForExit(10000)) { $Azurite.Process.Kill($true); $Azurite.Process.WaitForExit() }
}

function Start-TestEmulators {
    <#
    .SYNOPSIS
        Starts the loopback emulators (tests/VmEventOps.Emulators) as a process; returns what it printed
        (IdentityEndpoint, ImdsHost, IdentityHeader, SystemAssigned, UserAssigned) plus Process.
    #>
    $dll = if ($env:VMEVENTOPSTEST_EMULATORS) { $env:VMEVENTOPSTEST_EMULATORS } else { Join-Path $script:RepoRoot 'out/emulators/VmEventOps.Emulators.dll' }
    if (-not (Test-Path $dll)) { throw "The emulators are not built at ${dll}: run build.ps1 -Task Test." }
    $start = [Diagnostics.ProcessStartInfo]::new('dotnet')
    $start.ArgumentList.Add($dll)
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardInput = $true
    $start.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($start)
    $line = $process.StandardOutput.ReadLine()
    if (-not $line) { throw 'The emulators did not start.' }
    $info = $line | ConvertFrom-Json
    $info | Add-Member -NotePropertyName Process -NotePropertyValue $process -PassThru
}

function Get-EmulatorEnvironment {
    <#
    .SYNOPSIS
        The VMEVENTOPS_* settings (and App Service identity variables) that point the module at the emulators: tokens
        from the managed-identity emulator, ARM and Automation from the ARM emulator (trusted through SSL_CERT_FILE, listed in
        ArmAllowedHosts), and the Key Vault emulator listed in KeyVaultAllowedHosts.
    #>
    param([Parameter(Mandatory)] $Emulators)
    @{
        IDENTITY_ENDPOINT = $Emulators.IdentityEndpoint
        IDENTITY_HEADER = $Emulators.IdentityHeader
        VMEVENTOPS_AUTHMODE = 'ManagedIdentity'
        VMEVENTOPS_ARMENDPOINT = $Emulators.ArmEndpoint
        VMEVENTOPS_AUTOMATIONACCOUNTID = $Emulators.AutomationAccountId
        VMEVENTOPS_RUNBOOKNAME = 'Onboard-Vm'
        # The Key Vault emulator is on loopback: it may receive Key Vault tokens only because it is listed.
        VMEVENTOPS_KEYVAULTALLOWEDHOSTS = ([uri] $Emulators.KeyVaultUri).Authority
        # The ARM emulator too: ARM tokens go to it only because it is listed.
        VMEVENTOPS_ARMALLOWEDHOSTS = ([uri] $Emulators.ArmEndpoint).Authority
    }
}

function Stop-TestEmulators {
    param([Parameter(Mandatory)] $Emulators)
    if (-not $Emulators.Process.HasExited) { $Emulators.Process.Kill($true); $Emulators.Process.WaitForExit() }
}

function Invoke-DemoWorkflow {
    <#
    .SYNOPSIS
        The demo (build.ps1 -Task Demo, and a Pester test): Azurite and the emulators, settings as VMEVENTOPS_* variables,
        demo/Invoke-Demo.ps1 in a pwsh of its own, then everything stopped (with -Dashboard, once the dashboard it keeps
        open is stopped with Ctrl+C). Throws when the demo does not end as its story says.
    #>
    param([Parameter(Mandatory)] [string] $ModulePath, [Parameter(Mandatory)] [string] $WorkFolder, [switch] $Dashboard)
    $databases = New-Item -ItemType Directory -Force (Join-Path $WorkFolder 'databases')
    $azurite = Start-TestAzurite
    $emulators = $null
    $saved = @{}
    try {
        $emulators = Start-TestEmulators
        # Two VMs have their database already (SQLite files named after them); vm-demo-03's comes up later.
        foreach ($name in 'vm-demo-01', 'vm-demo-02') { Set-Content (Join-Path $databases "$name.db") -Value $null }
        $settings = Get-EmulatorEnvironment $emulators
        # The storage connection string lives in Key Vault (the emulator); the setting holds only a reference to it.
        Invoke-RestMethod -SkipCertificateCheck -Method Put -Uri "$($emulators.KeyVaultUri)_emulator/secrets/storage" -Body $azurite.ConnectionString -ContentType 'text/plain' | Out-Null
        $settings += @{
            VMEVENTOPS_STORAGECONNECTIONSTRING = "@Microsoft.KeyVault(SecretUri=$($emulators.KeyVaultUri)secrets/storage)"
            VMEVENTOPS_ALLOWEDSCOPES = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-demo'
            VMEVENTOPS_DBPROVIDER = 'Sqlite'; VMEVENTOPS_DBSERVER = (Join-Path $databases '{VmName}.db')
            VMEVENTOPS_RETRYBASEDELAY = '2'; VMEVENTOPS_RETRYMAXDELAY = '2'
            # Every span as a JSON line: the demo shows one event's trace across its attempts.
            VMEVENTOPS_TRACEFILE = (Join-Path $WorkFolder 'traces.jsonl')
        }
        foreach ($name in $settings.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $settings[$name]) }
        # Its standard error is kept as well as shown, so a failure says what the demo's process said last (a runtime
        # that aborts, exit code 134, writes why only there).
        $errors = [Collections.Generic.List[string]]::new()
        & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File (Join-Path $script:RepoRoot 'demo/Invoke-Demo.ps1') `
            -ModulePath $ModulePath -DatabaseFolder $databases -VmIds ($emulators.Vms.Id -join ',') -Dashboard:$Dashboard 2>&1 |
            ForEach-Object { if ($_ -is [Management.Automation.ErrorRecord]) { $errors.Add("$_" -replace '\e\[[0-9;]*m') }; $_ } | Out-Host
        if ($LASTEXITCODE -ne 0) {
            $said = if ($errors.Count) { " Its last standard error: $(($errors | Select-Object -Last 30) -join [Environment]::NewLine)" } else { ' It wrote nothing to standard error.' }
            throw "The demo failed (exit code $LASTEXITCODE).$said"
        }
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        if ($emulators) { Stop-TestEmulators $emulators }
        Stop-TestAzurite $azurite
    }
}

function Set-TestBlob {
    <#
    .SYNOPSIS
        Writes a block blob to Azurite with the Blob service's REST API (Shared Key, path-style as the emulator takes it),
        creating its container if needed: the dead letters Event Grid would write, for the reconcile tests.
    #>
    param([Parameter(Mandatory)] $Azurite, [Parameter(Mandatory)] [string] $Container, [Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [string] $Text)
    $account = 'devstoreaccount1'
    $key = [Convert]::FromBase64String($Azurite.AccountKey)
    function Send-BlobRequest([string] $Path, [string] $Query, [byte[]] $Body, [hashtable] $Headers, [string] $ContentType) {
        $date = [DateTime]::UtcNow.ToString('R')
        $headers = @{ 'x-ms-date' = $date; 'x-ms-version' = '2021-08-06' } + $Headers
        $canonicalHeaders = ($headers.Keys | Sort-Object | ForEach-Object { "$($_):$($headers[$_])" }) -join "`n"
        $canonicalResource = "/$account/$account/$Path" + $(if ($Query) { "`n" + (($Query -split '&' | ForEach-Object { $k, $v = $_ -split '=', 2; "${k}:$v" }) -join "`n") })
        $length = if ($Body.Length -gt 0) { "$($Body.Length)" } else { '' }
        $toSign = "PUT`n`n`n$length`n`n$ContentType`n`n`n`n`n`n`n$canonicalHeaders`n$canonicalResource"
        $hmac = [Security.Cryptography.HMACSHA256]::new($key)
        $signature = [Convert]::ToBase64String($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($toSign)))
        $headers['Authorization'] = "SharedKey ${account}:$signature"
        $uri = "$($Azurite.BlobUri)/$Path" + $(if ($Query) { "?$Query" })
        $request = @{ Method = 'Put'; Uri = $uri; Headers = $headers; SkipHeaderValidation = $true; SkipHttpErrorCheck = $true }
        if ($Body.Length -gt 0) { $request.Body = $Body; $request.ContentType = $ContentType }
        $response = Invoke-WebRequest @request
        $response.StatusCode
    }
    $status = Send-BlobRequest $Container 'restype=container' ([byte[]]@()) @{} ''
    if ($status -notin 201, 409) { throw "Creating container $Container answered $status." }
    $status = Send-BlobRequest "$Container/$Name" '' ([Text.Encoding]::UTF8.GetBytes($Text)) @{ 'x-ms-blob-type' = 'BlockBlob' } 'application/octet-stream'
    if ($status -ne 201) { throw "Writing blob $Name answered $status." }
}

Export-ModuleMember -Function Invoke-DemoWorkflow, Get-EmulatorEnvironment, Get-TestModulePath, Get-TestNuGetRoot, Invoke-FreshPwsh, Invoke-PwshFile,
    Invoke-WithEnvironment, Get-TestFunctionAppPath, Invoke-FunctionHost, Start-TestAzurite, Stop-TestAzurite, Start-TestEmulators, Stop-TestEmulators, Set-TestBlob
