using System.Collections;
using System.Management.Automation;
using VmEventOps.Engine.Api;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.KeyVault;
using VmEventOps.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Answers one call of the HTTP API (status, health, records, trail, poison, onboard, requeue): what the Function app's HTTP functions run.</para>
/// <para type="description">The same API as the local dashboard (Start-VmEventDashboard), written once in the engine: the method, the
/// action, the query and the body in, an ApiResponse (StatusCode, ContentType, Body as JSON) out, for run.ps1 to push as its HTTP
/// response. Bad input is a 400 with a stable ErrorId; an action the caller may not take is a 403; a failure of the module is a 500 with
/// the ErrorId and a correlation id only, and a warning and a non-terminating error in the log with the same correlation id.</para>
/// <para type="description">-Authentication says who the caller is. FunctionKey: the Functions host checked the function key
/// (authLevel function), the caller may read and act. AppServiceAuthentication: the signed-in principal App Service Authentication
/// put in the X-MS-CLIENT-PRINCIPAL header of -Headers (trusted only while authentication is enabled on the app); it may read, and act
/// when it holds a role of DashboardActionRoles or a group of DashboardActionGroups and the request carries the dashboard's
/// X-VmEventOps-Request header.</para>
/// <example>
///   <code>$response = Invoke-VmEventApi -Method $Request.Method -Action $Request.Params.action -Query $Request.Query -Body $Request.Body -Authentication FunctionKey</code>
///   <para>run.ps1 of the Function app's HTTP API: the response's StatusCode, ContentType and Body go into the HttpResponseContext.</para>
/// </example>
/// <example>
///   <code>(Invoke-VmEventApi -Method GET -Action records -Query @{ state = 'DeadLettered' } -Authentication FunctionKey).Body | ConvertFrom-Json</code>
///   <para>The dead-lettered onboarding records, as the API answers them.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "VmEventApi")]
[OutputType(typeof(ApiResponse))]
public sealed class InvokeVmEventApiCommand : ConfiguredCmdlet
{
    /// <summary><para type="description">The HTTP method: GET for reads, POST for actions.</para></summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? Method { get; set; }

    /// <summary><para type="description">The action: status (also when empty), health, records, trail, poison, onboard or requeue.</para></summary>
    [Parameter(Position = 0)]
    [AllowNull]
    [AllowEmptyString]
    public string? Action { get; set; }

    /// <summary><para type="description">The query string's values (the request's Query).</para></summary>
    [Parameter]
    [AllowNull]
    public IDictionary? Query { get; set; }

    /// <summary><para type="description">The body: its JSON text, or the hashtable or array the Functions worker made of it.</para></summary>
    [Parameter]
    [AllowNull]
    public object? Body { get; set; }

    /// <summary><para type="description">The request's headers (for AppServiceAuthentication: X-MS-CLIENT-PRINCIPAL and X-VmEventOps-Request).</para></summary>
    [Parameter]
    [AllowNull]
    public IDictionary? Headers { get; set; }

    /// <summary><para type="description">Who checked the caller: FunctionKey (the Functions host) or AppServiceAuthentication (the signed-in principal in -Headers).</para></summary>
    [Parameter(Mandatory = true)]
    [ValidateSet("FunctionKey", "AppServiceAuthentication")]
    public string? Authentication { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var configuration = LoadConfiguration();
        var options = configuration.Options;
        ApiCaller caller;
        if (Authentication == "FunctionKey")
        {
            caller = ApiCaller.FunctionKey;
        }
        else
        {
            var enabled = string.Equals(System.Environment.GetEnvironmentVariable("WEBSITE_AUTH_ENABLED"), "True", StringComparison.OrdinalIgnoreCase);
            var (principal, refusal) = ApiCallerPolicy.FromAppService(Texts(Headers), enabled, options.Dashboard);
            if (principal is null)
            {
                WriteObject(ApiResponses.Unauthorized(refusal!));
                return;
            }

            caller = principal;
        }

        var dbPassword = VmEventEngine.Secrets.SecretSource(configuration, nameof(VmEventOptions.DbPassword), Log);
        var router = VmEventEngine.For(options).Api(Log, configuration.Redactor, ApiResponses.SettingsOf(options.Dashboard), dbPassword);
        var request = new ApiRequest { Method = Method!, Action = Action ?? string.Empty, Query = Texts(Query), Body = BodyText(), Caller = caller };
        var response = Run(token => router.HandleAsync(request, token));
        if (response.Failure is { } failure) WriteFailure(failure);
        WriteObject(response with { Failure = null });
    }

    private string? BodyText()
    {
        var body = Body is PSObject wrapped ? wrapped.BaseObject : Body;
        if (body is null or string) return (string?)body;
        return EventObjectParser.ToJson(PlainObjectConverter.Convert(Body).Value!);
    }

    private static Dictionary<string, string> Texts(IDictionary? values)
    {
        var texts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (values is null) return texts;
        foreach (DictionaryEntry entry in values)
        {
            var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            if (entry.Key?.ToString() is { } key && value is not null) texts[key] = value.ToString() ?? string.Empty;
        }

        return texts;
    }
}
