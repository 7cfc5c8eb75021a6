namespace VmEventOps.Engine.Errors;

/// <summary>
/// The one catalog of error ids. Each id is part of the public contract: users match
/// <c>FullyQualifiedErrorId</c> on it, so an id never changes meaning once shipped.
/// </summary>
public static class ErrorIds
{
    /// <summary>The settings file named by -SettingsPath or VMEVENTOPS_SETTINGS does not exist.</summary>
    public const string SettingsFileNotFound = "VmConfigFileNotFound";

    /// <summary>The settings file is not valid JSON, or its root is not an object.</summary>
    public const string SettingsFileInvalid = "VmConfigFileInvalid";

    /// <summary>The settings file names a setting that does not exist.</summary>
    public const string UnknownSetting = "VmConfigUnknownSetting";

    /// <summary>A setting's value has the wrong type or is out of range.</summary>
    public const string InvalidSettingValue = "VmConfigInvalidValue";

    /// <summary>The same setting is given twice in one layer.</summary>
    public const string DuplicateSetting = "VmConfigDuplicateSetting";

    /// <summary>The requested named environment has no section in the settings file.</summary>
    public const string UnknownEnvironment = "VmConfigUnknownEnvironment";

    /// <summary>No allowed scope is configured: no event can be trusted.</summary>
    public const string ScopeNotConfigured = "VmScopeNotConfigured";

    /// <summary>A message or object could not be read as an event.</summary>
    public const string EventMalformed = "VmEventMalformed";

    /// <summary>The text given is not a VM resource ID.</summary>
    public const string InvalidVmResourceId = "VmInvalidResourceId";

    /// <summary>A message does not fit in a queue message (64 KiB).</summary>
    public const string MessageTooLarge = "VmMessageTooLarge";

    /// <summary>A message was peeked, not received: it cannot be deleted or moved.</summary>
    public const string MessageNotLeased = "VmMessageNotLeased";

    /// <summary>No credential could get a token: every mode tried and why it failed is listed.</summary>
    public const string AuthUnavailable = "VmAuthUnavailable";

    /// <summary>The chosen credential was refused (wrong identity, bad secret, endpoint error).</summary>
    public const string AuthFailed = "VmAuthFailed";

    /// <summary>A token passed in (AuthMode Token) has expired or expires within minutes.</summary>
    public const string AuthTokenExpired = "VmAuthTokenExpired";

    /// <summary>A token passed in (AuthMode Token) is not for the service it would be sent to (its aud claim names another, or it has none).</summary>
    public const string AuthTokenWrongAudience = "VmAuthTokenWrongAudience";

    /// <summary>The service principal's certificate cannot be read: no such file, not a certificate, or a wrong ClientCertificatePassword.</summary>
    public const string AuthCertificateInvalid = "VmAuthCertificateInvalid";

    /// <summary>A mode's required settings are missing (a service principal without a secret, ...).</summary>
    public const string AuthNotConfigured = "VmAuthNotConfigured";

    /// <summary>The VM does not exist (deleted before it was onboarded).</summary>
    public const string VmNotFound = "VmNotFound";

    /// <summary>A NIC of the VM has no private IP address yet (still provisioning): try again later.</summary>
    public const string NicNotReady = "VmNicNotReady";

    /// <summary>The VM is still being created (provisioningState Creating) and its NIC does not exist yet or has no private address: try again later.</summary>
    public const string VmCreating = "VmCreating";

    /// <summary>The VM is being deleted (provisioningState Deleting): there is nothing to onboard.</summary>
    public const string VmDeleting = "VmDeleting";

    /// <summary>The VM's last write failed (provisioningState Failed): a person looks at it; a later successful write raises a new event.</summary>
    public const string VmProvisioningFailed = "VmProvisioningFailed";

    /// <summary>ARM refused the identity an action: the message names the role it needs.</summary>
    public const string ArmForbidden = "VmArmForbidden";

    /// <summary>An ARM request failed; the message carries the ARM error code, HTTP status and request ids.</summary>
    public const string ArmRequestFailed = "VmArmRequestFailed";

    /// <summary>
    /// ARM (or Automation's job quota) still answered 429 after the client's own retries, or named a wait (Retry-After) longer
    /// than ArmMaxRetryWait or the time left in the invocation, which is not slept: not a failure of the event (deferred).
    /// </summary>
    public const string ArmThrottled = "VmArmThrottled";

    /// <summary>A runbook job ended Failed, Stopped or Suspended.</summary>
    public const string RunbookJobFailed = "VmRunbookJobFailed";

    /// <summary>Waiting for a runbook job took longer than allowed; the job goes on in Azure.</summary>
    public const string RunbookJobTimeout = "VmRunbookJobTimeout";

    /// <summary>The Automation account or runbook is not configured.</summary>
    public const string RunbookNotConfigured = "VmRunbookNotConfigured";

    /// <summary>
    /// A database check's settings can never work: no server to check, a password or option the provider cannot use, or an
    /// encryption or certificate setting the server refuses (the message names the setting). Never retried.
    /// </summary>
    public const string DbNotConfigured = "VmDbNotConfigured";

    /// <summary>The workflow's database check failed (retried: the database of a new VM may come up later).</summary>
    public const string DbCheckFailed = "VmDbCheckFailed";

    /// <summary>A storage operation failed.</summary>
    public const string StorageRequestFailed = "VmStorageRequestFailed";

    /// <summary>Storage is not configured: neither a connection string nor an account or service URI.</summary>
    public const string StorageNotConfigured = "VmStorageNotConfigured";

    /// <summary>Telemetry export was asked for but cannot start: the trace file cannot be written, or a connection string is not one.</summary>
    public const string TelemetryExportFailed = "VmTelemetryExportFailed";

    /// <summary>With Authorization=AAD, the Application Insights ingestion host is not Azure Monitor's in the configured cloud nor listed in ApplicationInsightsAllowedHosts: no token is sent to it.</summary>
    public const string TelemetryHostNotAllowed = "VmTelemetryHostNotAllowed";

    /// <summary>A setting holds a Key Vault reference that is malformed, or a reference where only secrets may have one.</summary>
    public const string KeyVaultReferenceInvalid = "VmKeyVaultReferenceInvalid";

    /// <summary>A Key Vault reference names a host that is not a vault of the configured cloud (KeyVaultDnsSuffix) nor listed in KeyVaultAllowedHosts: no token is sent to it.</summary>
    public const string KeyVaultHostNotAllowed = "VmKeyVaultHostNotAllowed";

    /// <summary>A referenced secret (or its version) does not exist in the vault.</summary>
    public const string KeyVaultSecretNotFound = "VmKeyVaultSecretNotFound";

    /// <summary>The vault refused the identity (the message names the role it needs), or the secret is disabled.</summary>
    public const string KeyVaultAccessDenied = "VmKeyVaultAccessDenied";

    /// <summary>The vault still answered 429 after the client's retries.</summary>
    public const string KeyVaultThrottled = "VmKeyVaultThrottled";

    /// <summary>The vault could not be reached or answered with an error other than the above.</summary>
    public const string KeyVaultRequestFailed = "VmKeyVaultRequestFailed";


    /// <summary>The HTTP API was called with a method its action does not take (GET for a read, POST for an action).</summary>
    public const string ApiMethodNotAllowed = "VmApiMethodNotAllowed";

    /// <summary>The HTTP API has no action of that name.</summary>
    public const string ApiUnknownAction = "VmApiUnknownAction";

    /// <summary>An HTTP API action that needs a VM was called without vmResourceId.</summary>
    public const string ApiMissingVmResourceId = "VmApiMissingVmResourceId";

    /// <summary>An HTTP API action's body is not a JSON object of the fields it takes.</summary>
    public const string ApiInvalidBody = "VmApiInvalidBody";

    /// <summary>An HTTP API request's force is not true or false.</summary>
    public const string ApiInvalidForce = "VmApiInvalidForce";

    /// <summary>An HTTP API request's query value (page, pageSize, hours, state) is out of range or not one of its values.</summary>
    public const string ApiInvalidQuery = "VmApiInvalidQuery";

    /// <summary>The caller may read but not act (no role or group for actions), or an action came without the dashboard's header token.</summary>
    public const string ApiForbidden = "VmApiForbidden";

    /// <summary>The dashboard's API was called without its access token, or with another.</summary>
    public const string ApiTokenRequired = "VmApiTokenRequired";

    /// <summary>The dashboard could not listen on the loopback port it was given (in use, or not allowed).</summary>
    public const string DashboardPortUnavailable = "VmDashboardPortUnavailable";

    /// <summary>The HTTP API's compliance status filter names a status that is not one of Get-VmOnboardingCompliance's.</summary>
    public const string ApiInvalidStatus = "VmApiInvalidStatus";

    /// <summary>The HTTP API's compliance summary is not true or false.</summary>
    public const string ApiInvalidSummary = "VmApiInvalidSummary";
    /// <summary>The operation was stopped (Ctrl+C or a cancelled token).</summary>
    public const string OperationStopped = "VmOperationStopped";

    /// <summary>An unexpected failure inside the module; the inner exception is kept.</summary>
    public const string Unexpected = "VmUnexpectedError";

    /// <summary>A rule of the Rules setting is not valid (its shape, a condition, its action): it is left out, and the workflow refuses to run until it is fixed.</summary>
    public const string RuleInvalid = "VmRuleInvalid";

    /// <summary>A check of a rule is not valid (an unknown kind, a setting missing or out of range).</summary>
    public const string RuleCheckInvalid = "VmRuleCheckInvalid";

    /// <summary>A template in a rule names no fact of the VM, or leaves a brace open.</summary>
    public const string RuleTemplateInvalid = "VmRuleTemplateInvalid";

    /// <summary>A check of a rule (TcpPort, Http, Dns, Tags, Script) ran and did not pass.</summary>
    public const string CheckFailed = "VmCheckFailed";

    /// <summary>A check of a rule did not end within its TimeoutSeconds.</summary>
    public const string CheckTimedOut = "VmCheckTimedOut";

    /// <summary>A check of a rule could not run (its script threw or is missing, no script host, a template gave no address).</summary>
    public const string CheckError = "VmCheckError";

    /// <summary>A scope the sweep cannot list: * with ReconcileSource Arm (list subscriptions one by one, or use ResourceGraph).</summary>
    public const string ReconcileScopeNotListable = "VmReconcileScopeNotListable";

    /// <summary>The sweep's listing of a scope stopped before its end (ARM named a wait that is not slept, ReconcileMaxPages, an error): nothing of it is reported gone.</summary>
    public const string ReconcileIncomplete = "VmReconcileIncomplete";

    /// <summary>A dead-letter blob is not a JSON array of events (or cannot be downloaded): reported, never deleted.</summary>
    public const string DeadLetterUnreadable = "VmDeadLetterUnreadable";

    /// <summary>The dead-letter container cannot be reached: the settings name no blob endpoint.</summary>
    public const string DeadLetterNotConfigured = "VmDeadLetterNotConfigured";

    /// <summary>A template of a rule could not be filled for this VM: it names a tag the VM lacks, or a value cannot stand where it is placed (a host holding '/', '@', ':'), or the filled URL leaves its host.</summary>
    public const string RuleTemplateValueInvalid = "VmRuleTemplateValueInvalid";

    /// <summary>A token would go to a host that is not its service's in the configured cloud: ArmEndpoint or a storage URI outside the cloud and not listed in ArmAllowedHosts / StorageAllowedHosts, or an ArmAudience that is no ARM audience.</summary>
    public const string TokenHostNotAllowed = "VmTokenHostNotAllowed";
}
