# The admin dashboard (the module's Dashboard folder) at /api/ui/, and its API at /api/ui/api/<action>: the same API as
# /api/vm-events/<action>, for principals signed in through App Service Authentication (Microsoft Entra ID). Anonymous at
# the Functions level on purpose: App Service Authentication stands in front (deploy/infra, dashboardAuthentication), and
# without it the API answers nobody (401). Reading needs a sign-in; acting needs a role of DashboardActionRoles or a
# group of DashboardActionGroups and the dashboard's own X-VmEventOps-Request header (no cross-site POST with the cookie).
using namespace System.Net
param($Request, $TriggerMetadata)

$path = "$($Request.Params.path)".Trim('/')
$security = @{
    'Content-Security-Policy' = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    'X-Content-Type-Options'  = 'nosniff'
    'Referrer-Policy'         = 'no-referrer'
    'X-Frame-Options'         = 'DENY'
}

if ($path -eq 'api' -or $path.StartsWith('api/')) {
    $response = Invoke-VmEventApi -Method $Request.Method -Action ($path -replace '^api/?', '') -Query $Request.Query -Body $Request.Body `
        -Headers $Request.Headers -Authentication AppServiceAuthentication -ErrorAction Continue
    Push-OutputBinding -Name Response -Value ([HttpResponseContext]@{
            StatusCode = [HttpStatusCode] $response.Status; ContentType = 'application/json'; Body = $response.Body
            Headers = $security + @{ 'Cache-Control' = 'no-store' }
        })
    return
}

# Static files by name only (a fixed list: no path from the request reaches the file system).
$files = @{ '' = 'index.html'; 'index.html' = 'index.html'; 'app.js' = 'app.js'; 'app.css' = 'app.css' }
$types = @{ '.html' = 'text/html; charset=utf-8'; '.js' = 'text/javascript; charset=utf-8'; '.css' = 'text/css; charset=utf-8' }
if ($path -eq '' -and "$($Request.Url)" -notmatch '/$' -and "$($Request.Url)" -notmatch '/\?') {
    # /api/ui without its slash: the page's relative links need it.
    Push-OutputBinding -Name Response -Value ([HttpResponseContext]@{ StatusCode = [HttpStatusCode]::MovedPermanently; Headers = @{ Location = '/api/ui/' }; Body = '' })
    return
}
if ($Request.Method -ne 'GET' -or -not $files.ContainsKey($path)) {
    Push-OutputBinding -Name Response -Value ([HttpResponseContext]@{ StatusCode = [HttpStatusCode]::NotFound; ContentType = 'text/plain'; Body = 'Not found.'; Headers = $security })
    return
}
$name = $files[$path]
$folder = Join-Path (Get-Module VmEventOps).ModuleBase 'Dashboard'
Push-OutputBinding -Name Response -Value ([HttpResponseContext]@{
        StatusCode  = [HttpStatusCode]::OK
        ContentType = $types[[IO.Path]::GetExtension($name)]
        Body        = [IO.File]::ReadAllText((Join-Path $folder $name))
        Headers     = $security
    })
