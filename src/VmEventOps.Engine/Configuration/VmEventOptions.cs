using VmEventOps.Engine.Reconcile;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// The effective, validated settings for one call. Built by <see cref="ConfigurationLoader"/>;
/// every property marked <see cref="SettingAttribute"/> is a setting of the same name.
/// Immutable, so one instance can be shared by concurrent work without copying.
/// </summary>
public sealed record VmEventOptions
{
    /// <summary>Names the type only: settings can be secrets, and a record prints every value.</summary>
    public override string ToString() => "VmEventOptions { values not shown }";

    private const string Guid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    private const string QueueNamePattern = "^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$";
    private const string ApiVersionPattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?$";
    private const string ApiVersionRule = "an api-version such as 2024-11-01";
    private const string HostPattern = "^(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]{2,45}\\])(:[0-9]{1,5})?$";
    private const string HostRule = "a host name, *.domain, or either with :port, such as kv-onboarding.privatelink.vaultcore.azure.net or 127.0.0.1:8443";

    // Azure queues hide a message for 1 s to 7 days (visibility timeout); a delayed send waits 7 days at most.
    private const long Week = 7 * 24 * 3600;
    private const long Day = 24 * 3600;

    private const string QueueNameRule = "a queue name: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit";

    // The parts: each setting is kept in the one of its concern; the flat properties below read and write them.
    /// <summary>Where messages and state live: the storage account, its queues, table and blob containers.</summary>
    public StorageOptions Storage { get; init; } = new();

    /// <summary>Which VMs are processed and by which rules.</summary>
    public OnboardingOptions Onboarding { get; init; } = new();

    /// <summary>How Azure Resource Manager is called: endpoint, audience, api-versions, retries and paging.</summary>
    public ArmOptions Arm { get; init; } = new();

    /// <summary>Who the module is: the authentication mode and its credentials.</summary>
    public IdentityOptions Identity { get; init; } = new();

    /// <summary>How Key Vault references in secret settings are resolved.</summary>
    public KeyVaultOptions KeyVault { get; init; } = new();

    /// <summary>Where runbook jobs run, how they are paced and how long they are awaited.</summary>
    public AutomationOptions Automation { get; init; } = new();

    /// <summary>The default rule's database check.</summary>
    public DatabaseOptions Database { get; init; } = new();

    /// <summary>Leases, attempts and the backoff between them.</summary>
    public RetryOptions Retry { get; init; } = new();

    /// <summary>Where traces and metrics are exported; nothing leaves the process unless one is set.</summary>
    public TelemetryOptions Telemetry { get; init; } = new();

    /// <summary>How the sweep lists VMs, when it takes a message for lost, and where Event Grid dead-letters.</summary>
    public ReconcileOptions Reconcile { get; init; } = new();

    /// <summary>The dashboard and its HTTP API.</summary>
    public DashboardOptions Dashboard { get; init; } = new();

    // Storage
    [Setting("Storage connection string (Azurite or local work). Wins over account name and service URIs.", Secret = SecretKind.ConnectionString, Format = SettingFormat.StorageConnectionString, Endpoint = true)]
    public string? StorageConnectionString { get => Storage.StorageConnectionString; init => Storage = Storage with { StorageConnectionString = value }; }

    [Setting("Storage account name, for token authentication against the public cloud endpoints.",
        Pattern = "^[a-z0-9]{3,24}$", PatternDescription = "a storage account name: 3-24 lowercase letters and digits", Endpoint = true)]
    public string? StorageAccountName { get => Storage.StorageAccountName; init => Storage = Storage with { StorageAccountName = value }; }

    [Setting("Queue service URI, for token authentication (sovereign clouds, private endpoints).", Endpoint = true)]
    public Uri? QueueServiceUri { get => Storage.QueueServiceUri; init => Storage = Storage with { QueueServiceUri = value }; }

    [Setting("Table service URI, for token authentication (sovereign clouds, private endpoints).", Endpoint = true)]
    public Uri? TableServiceUri { get => Storage.TableServiceUri; init => Storage = Storage with { TableServiceUri = value }; }

    [Setting("Blob service URI, for token authentication: where originals too large to wrap in an envelope are kept (claim check). From StorageAccountName when empty.", Endpoint = true)]
    public Uri? BlobServiceUri { get => Storage.BlobServiceUri; init => Storage = Storage with { BlobServiceUri = value }; }

    [Setting("Blob container of originals too large to wrap in an envelope (claim check): the envelope points at the blob, nothing is cut.",
        Pattern = "^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$", PatternDescription = "a container name: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit")]
    public string LargeMessageContainerName { get => Storage.LargeMessageContainerName; init => Storage = Storage with { LargeMessageContainerName = value }; }

    [Setting("Main queue that Event Grid writes to.", Pattern = QueueNamePattern, PatternDescription = QueueNameRule)]
    public string QueueName { get => Storage.QueueName; init => Storage = Storage with { QueueName = value }; }

    [Setting("Queue of messages waiting for another attempt.", Pattern = QueueNamePattern, PatternDescription = QueueNameRule)]
    public string RetryQueueName { get => Storage.RetryQueueName; init => Storage = Storage with { RetryQueueName = value }; }

    [Setting("Queue of onboarded events, with their result.", Pattern = QueueNamePattern, PatternDescription = QueueNameRule)]
    public string SucceededQueueName { get => Storage.SucceededQueueName; init => Storage = Storage with { SucceededQueueName = value }; }

    [Setting("Queue of bad messages and exhausted attempts, with every reason.", Pattern = QueueNamePattern, PatternDescription = QueueNameRule)]
    public string PoisonQueueName { get => Storage.PoisonQueueName; init => Storage = Storage with { PoisonQueueName = value }; }

    [Setting("How messages sent to the main queue are encoded: Base64 (as Event Grid writes, and the Functions host.json expects) or Text.")]
    public QueueMessageFormat MessageEncoding { get => Storage.MessageEncoding; init => Storage = Storage with { MessageEncoding = value }; }

    [Setting("How long a message in the succeeded queue is kept (retry and poison messages never expire).", Minimum = 1, Maximum = int.MaxValue)]
    public TimeSpan SucceededMessageTtl { get => Storage.SucceededMessageTtl; init => Storage = Storage with { SucceededMessageTtl = value }; }

    [Setting("Table holding one onboarding state record per VM.",
        Pattern = "^[A-Za-z][A-Za-z0-9]{2,62}$", PatternDescription = "a table name: 3-63 letters and digits, starting with a letter")]
    public string StateTableName { get => Storage.StateTableName; init => Storage = Storage with { StateTableName = value }; }

    // Scope
    [Setting("Scopes whose VMs are processed: subscription or resource group IDs, comma-separated, or * for any.", MaxLength = 65536,
        Pattern = "^(\\*|(?i)/subscriptions/" + Guid + "(/resourceGroups/[-\\w.()]{1,90})?/?)$",
        PatternDescription = "* or a scope such as /subscriptions/{guid} or /subscriptions/{guid}/resourceGroups/{name}")]
    public IReadOnlyList<string> AllowedScopes { get => Onboarding.AllowedScopes; init => Onboarding = Onboarding with { AllowedScopes = value }; }

    // Azure and identity
    [Setting("Azure Resource Manager endpoint (sovereign clouds, emulators).", RequireHttps = true, Identity = true)]
    public Uri ArmEndpoint { get => Arm.ArmEndpoint; init => Arm = Arm with { ArmEndpoint = value }; }

    [Setting("Audience of ARM tokens (sovereign clouds, emulators); the ARM endpoint when empty.", RequireHttps = true, Identity = true)]
    public Uri? ArmAudience { get => Arm.ArmAudience; init => Arm = Arm with { ArmAudience = value }; }

    [Setting("api-version of Microsoft.Compute requests (VM GET).", Pattern = ApiVersionPattern, PatternDescription = ApiVersionRule)]
    public string ComputeApiVersion { get => Arm.ComputeApiVersion; init => Arm = Arm with { ComputeApiVersion = value }; }

    [Setting("api-version of Microsoft.Network requests (NIC GET).", Pattern = ApiVersionPattern, PatternDescription = ApiVersionRule)]
    public string NetworkApiVersion { get => Arm.NetworkApiVersion; init => Arm = Arm with { NetworkApiVersion = value }; }

    [Setting("api-version of Microsoft.Automation requests (runbook jobs).", Pattern = ApiVersionPattern, PatternDescription = ApiVersionRule)]
    public string AutomationApiVersion { get => Automation.AutomationApiVersion; init => Automation = Automation with { AutomationApiVersion = value }; }

    [Setting("Longest wait an ARM request sleeps before trying again (a Retry-After the service names, or the client's own backoff); a service that names a longer wait fails the request VmArmThrottled at once, and the workflow defers the message (no attempt used up).", Minimum = 0, Maximum = Week)]
    public TimeSpan ArmMaxRetryWait { get => Arm.ArmMaxRetryWait; init => Arm = Arm with { ArmMaxRetryWait = value }; }

    [Setting("Pages of one ARM list (nextLink) read at most; a longer list is cut there, with a warning.", Minimum = 1, Maximum = 10000)]
    public int ArmMaxPages { get => Arm.ArmMaxPages; init => Arm = Arm with { ArmMaxPages = value }; }

    [Setting("How long one invocation may run in its host (the Functions functionTimeout, which deploy/functionapp/profile.ps1 reads from host.json; 3 hours in the Automation sandbox): no ARM wait runs past it, less a tenth (at most 1 min) kept to route the message. Empty: no limit.", Minimum = 1, Maximum = Week)]
    public TimeSpan? InvocationTimeout { get => Arm.InvocationTimeout; init => Arm = Arm with { InvocationTimeout = value }; }

    [Setting("Microsoft Entra authority host; it also names the cloud whose Key Vault and Azure Monitor hosts may receive tokens.", RequireHttps = true, Identity = true)]
    public Uri AuthorityHost { get => Identity.AuthorityHost; init => Identity = Identity with { AuthorityHost = value }; }

    [Setting("How to authenticate: Auto, ManagedIdentity, WorkloadIdentity, ServicePrincipal, AzureCli or Token.", Identity = true)]
    public AuthMode AuthMode { get => Identity.AuthMode; init => Identity = Identity with { AuthMode = value }; }

    [Setting("Client id of a user-assigned managed identity (system-assigned when empty).",
        Pattern = "^" + Guid + "$", PatternDescription = "a client id (GUID)", Identity = true)]
    public string? ManagedIdentityClientId { get => Identity.ManagedIdentityClientId; init => Identity = Identity with { ManagedIdentityClientId = value }; }

    [Setting("Resource ID of a user-assigned managed identity (instead of its client id).",
        Pattern = "^(?i)/subscriptions/" + Guid + "/resourceGroups/[-\\w.()]{1,90}/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities/[-\\w]{3,128}$",
        PatternDescription = "a user-assigned identity resource ID such as /subscriptions/{guid}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}", Identity = true)]
    public string? ManagedIdentityResourceId { get => Identity.ManagedIdentityResourceId; init => Identity = Identity with { ManagedIdentityResourceId = value }; }

    [Setting("Microsoft Entra tenant id.", Pattern = "^(" + Guid + "|[A-Za-z0-9][A-Za-z0-9.-]*\\.[A-Za-z]{2,})$",
        PatternDescription = "a tenant id (GUID) or a domain name", Identity = true)]
    public string? TenantId { get => Identity.TenantId; init => Identity = Identity with { TenantId = value }; }

    [Setting("Service principal application (client) id.", Pattern = "^" + Guid + "$", PatternDescription = "a client id (GUID)", Identity = true)]
    public string? ClientId { get => Identity.ClientId; init => Identity = Identity with { ClientId = value }; }

    [Setting("Service principal client secret.", Secret = SecretKind.Whole, Identity = true)]
    public string? ClientSecret { get => Identity.ClientSecret; init => Identity = Identity with { ClientSecret = value }; }

    [Setting("Path of a service principal certificate (PEM or PFX).", Identity = true)]
    public string? ClientCertificatePath { get => Identity.ClientCertificatePath; init => Identity = Identity with { ClientCertificatePath = value }; }

    [Setting("Password of the service principal certificate.", Secret = SecretKind.Whole, Identity = true)]
    public string? ClientCertificatePassword { get => Identity.ClientCertificatePassword; init => Identity = Identity with { ClientCertificatePassword = value }; }

    [Setting("An access token passed in for local work (AuthMode Token); it is sent only to the audience its aud claim names.", Secret = SecretKind.Whole, Identity = true)]
    public string? AccessToken { get => Identity.AccessToken; init => Identity = Identity with { AccessToken = value }; }

    // Key Vault references (@Microsoft.KeyVault(...)) in secret settings
    [Setting("How long a secret read from Key Vault is kept in the process before it is read again (0: every time).", Minimum = 0, Maximum = Week)]
    public TimeSpan KeyVaultCacheDuration { get => KeyVault.KeyVaultCacheDuration; init => KeyVault = KeyVault with { KeyVaultCacheDuration = value }; }

    [Setting("DNS suffix of vaults named by VaultName= in a Key Vault reference (vault.azure.cn, vault.usgovcloudapi.net in other clouds).",
        Pattern = "^[A-Za-z0-9][A-Za-z0-9-]*(\\.[A-Za-z0-9-]+)+$", PatternDescription = "a DNS suffix such as vault.azure.net", Identity = true)]
    public string KeyVaultDnsSuffix { get => KeyVault.KeyVaultDnsSuffix; init => KeyVault = KeyVault with { KeyVaultDnsSuffix = value }; }

    [Setting("Vault hosts outside KeyVaultDnsSuffix that may receive Key Vault tokens (private endpoints, emulators), comma-separated: host, *.domain, host:port. A loopback vault only when listed.",
        Pattern = HostPattern, PatternDescription = HostRule)]
    public IReadOnlyList<string> KeyVaultAllowedHosts { get => KeyVault.KeyVaultAllowedHosts; init => KeyVault = KeyVault with { KeyVaultAllowedHosts = value }; }

    [Setting("ARM hosts outside the cloud's own Resource Manager (management.azure.com, ...) that may receive ARM tokens (Azure Stack, a private endpoint's name), comma-separated: host, *.domain, host:port. A host on this machine (an emulator) needs no entry; ArmAudience must still be an ARM audience of the cloud or name a listed host (or, on this machine, the endpoint itself).",
        Pattern = HostPattern, PatternDescription = HostRule, Endpoint = true)]
    public IReadOnlyList<string> ArmAllowedHosts { get => Arm.ArmAllowedHosts; init => Arm = Arm with { ArmAllowedHosts = value }; }

    [Setting("Storage hosts outside the cloud's own (*.queue.core.windows.net, ...) that may receive Storage tokens with token authentication (a custom domain, an emulator), comma-separated: host, *.domain, host:port. A loopback host only when listed.",
        Pattern = HostPattern, PatternDescription = HostRule, Endpoint = true)]
    public IReadOnlyList<string> StorageAllowedHosts { get => Storage.StorageAllowedHosts; init => Storage = Storage with { StorageAllowedHosts = value }; }

    // Automation
    [Setting("Resource ID of the Azure Automation account that runs the onboarding runbook.",
        Pattern = "^(?i)/subscriptions/" + Guid + "/resourceGroups/[-\\w.()]{1,90}/providers/Microsoft\\.Automation/automationAccounts/[-\\w]{6,50}$",
        PatternDescription = "an Automation account resource ID such as /subscriptions/{guid}/resourceGroups/{rg}/providers/Microsoft.Automation/automationAccounts/{name}")]
    public string? AutomationAccountId { get => Automation.AutomationAccountId; init => Automation = Automation with { AutomationAccountId = value }; }

    [Setting("Name of the onboarding runbook.", Pattern = "^[A-Za-z][A-Za-z0-9_-]{0,62}$",
        PatternDescription = "a runbook name: a letter, then up to 62 letters, digits, hyphens or underscores")]
    public string? RunbookName { get => Automation.RunbookName; init => Automation = Automation with { RunbookName = value }; }

    [Setting("Hybrid Runbook Worker group to run the job on (Azure sandbox when empty).")]
    public string? HybridWorkerGroup { get => Automation.HybridWorkerGroup; init => Automation = Automation with { HybridWorkerGroup = value }; }

    [Setting("How often a runbook job is polled while waiting for it.", Minimum = 1, Maximum = 3600)]
    public TimeSpan RunbookPollInterval { get => Automation.RunbookPollInterval; init => Automation = Automation with { RunbookPollInterval = value }; }

    [Setting("How long to wait for a runbook job to end.", Minimum = 1, Maximum = Week)]
    public TimeSpan RunbookTimeout { get => Automation.RunbookTimeout; init => Automation = Automation with { RunbookTimeout = value }; }

    [Setting("New runbook jobs one process starts per AutomationJobWindow at most (Automation's quota: 100 per 30 s per account); fewer while the account answers 429.",
        Minimum = 1, Maximum = 10000)]
    public int AutomationJobsPerWindow { get => Automation.AutomationJobsPerWindow; init => Automation = Automation with { AutomationJobsPerWindow = value }; }

    [Setting("The sliding window of AutomationJobsPerWindow.", Minimum = 1, Maximum = Day)]
    public TimeSpan AutomationJobWindow { get => Automation.AutomationJobWindow; init => Automation = Automation with { AutomationJobWindow = value }; }

    [Setting("How long a job start waits for the quota, its message held, before the message is deferred to the retry queue instead (no attempt used up).", Minimum = 0, Maximum = Day)]
    public TimeSpan AutomationJobMaxWait { get => Automation.AutomationJobMaxWait; init => Automation = Automation with { AutomationJobMaxWait = value }; }

    // Database check
    [Setting("Database engine: SqlServer, PostgreSql, MySql or Sqlite.")]
    public DbProvider DbProvider { get => Database.DbProvider; init => Database = Database with { DbProvider = value }; }

    [Setting("Database server host name or address (a file path for Sqlite); {PrivateIpAddress} stands for the new VM's address.")]
    public string? DbServer { get => Database.DbServer; init => Database = Database with { DbServer = value }; }

    [Setting("Database server port (the provider's default when empty).", Minimum = 1, Maximum = 65535)]
    public int? DbPort { get => Database.DbPort; init => Database = Database with { DbPort = value }; }

    [Setting("Database name.")]
    public string? DbName { get => Database.DbName; init => Database = Database with { DbName = value }; }

    [Setting("Database user name.")]
    public string? DbUser { get => Database.DbUser; init => Database = Database with { DbUser = value }; }

    [Setting("Database password.", Secret = SecretKind.Whole)]
    public string? DbPassword { get => Database.DbPassword; init => Database = Database with { DbPassword = value }; }

    [Setting("Encryption of the database check: Mandatory (TLS with a validated certificate), Optional (TLS when offered) or Strict (SQL Server TDS 8).")]
    public DbEncryption DbEncryption { get => Database.DbEncryption; init => Database = Database with { DbEncryption = value }; }

    [Setting("Accept the database server's certificate without validating it (test servers only; SQL Server's Strict validates all the same).")]
    public bool DbTrustServerCertificate { get => Database.DbTrustServerCertificate; init => Database = Database with { DbTrustServerCertificate = value }; }

    [Setting("SQL Server: the name the server's certificate holds, when the check connects by another (an address such as {PrivateIpAddress}, an alias).",
        Pattern = @"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$", PatternDescription = "a DNS host name")]
    public string? DbHostNameInCertificate { get => Database.DbHostNameInCertificate; init => Database = Database with { DbHostNameInCertificate = value }; }

    // Retries
    [Setting("How long a worker hides a message it received; renewed every third of that until the message is routed.", Minimum = 1, Maximum = Week)]
    public TimeSpan MessageLease { get => Retry.MessageLease; init => Retry = Retry with { MessageLease = value }; }

    [Setting("Attempts per event before it goes to the poison queue.", Minimum = 1, Maximum = 100)]
    public int MaxAttempts { get => Retry.MaxAttempts; init => Retry = Retry with { MaxAttempts = value }; }

    [Setting("Deliveries of one message (its DequeueCount, counted by the queue service) before it goes to the poison queue unprocessed, as the Functions host's maxDequeueCount: a message that stops its consumer each time cannot come back for ever.", Minimum = 1, Maximum = 1000)]
    public int MaxDequeueCount { get => Retry.MaxDequeueCount; init => Retry = Retry with { MaxDequeueCount = value }; }

    [Setting("Delay before the first retry; multiplied by RetryFactor each attempt, with jitter.", Minimum = 0, Maximum = Week)]
    public TimeSpan RetryBaseDelay { get => Retry.RetryBaseDelay; init => Retry = Retry with { RetryBaseDelay = value }; }

    [Setting("How much longer each retry waits than the one before.", Minimum = 1, Maximum = 10)]
    public int RetryFactor { get => Retry.RetryFactor; init => Retry = Retry with { RetryFactor = value }; }

    [Setting("Longest delay between two attempts.", Minimum = 0, Maximum = Week)]
    public TimeSpan RetryMaxDelay { get => Retry.RetryMaxDelay; init => Retry = Retry with { RetryMaxDelay = value }; }

    // Telemetry export: nothing leaves the process unless one of these is set
    [Setting("Write every span as one JSON line to this file (appended, its folder created; shared safely by several processes). Relative paths are resolved against the current location.")]
    public string? TraceFile { get => Telemetry.TraceFile; init => Telemetry = Telemetry with { TraceFile = value }; }

    [Setting("Send traces and metrics to this OTLP endpoint (an OpenTelemetry Collector, Jaeger, Grafana, ...), such as http://localhost:4317.")]
    public Uri? OtlpEndpoint { get => Telemetry.OtlpEndpoint; init => Telemetry = Telemetry with { OtlpEndpoint = value }; }

    [Setting("OTLP transport: Grpc (port 4317 by convention) or HttpProtobuf (port 4318; /v1/traces and /v1/metrics are appended).")]
    public OtlpTransport OtlpProtocol { get => Telemetry.OtlpProtocol; init => Telemetry = Telemetry with { OtlpProtocol = value }; }

    [Setting("Headers sent with every OTLP request, as name=value pairs separated by commas (an API key of a hosted backend).", Secret = SecretKind.Whole)]
    public string? OtlpHeaders { get => Telemetry.OtlpHeaders; init => Telemetry = Telemetry with { OtlpHeaders = value }; }

    [Setting("Send traces and metrics to Application Insights (Azure Monitor). With Authorization=AAD in it, the module's own credential signs the requests, sent only to Azure Monitor hosts of the cloud.", Secret = SecretKind.Whole)]
    public string? ApplicationInsightsConnectionString { get => Telemetry.ApplicationInsightsConnectionString; init => Telemetry = Telemetry with { ApplicationInsightsConnectionString = value }; }

    [Setting("Ingestion hosts outside Azure Monitor's own domains that may receive its tokens (Authorization=AAD; a private link scope, an emulator), comma-separated: host, *.domain, host:port. A loopback host only when listed.",
        Pattern = HostPattern, PatternDescription = HostRule)]
    public IReadOnlyList<string> ApplicationInsightsAllowedHosts { get => Telemetry.ApplicationInsightsAllowedHosts; init => Telemetry = Telemetry with { ApplicationInsightsAllowedHosts = value }; }

    // Rules
    [Setting("Onboarding rules: an ordered JSON array, first match wins; each matches on scope, tags, OS type, location, VM name and event (Created, Deleted), and names its checks (Database, TcpPort, Http, Dns, Tags, Script), its runbook and its offboarding runbook, or Skip with a reason (docs/rules-and-checks.md). Empty: one default rule from the Db* and runbook settings.",
        Json = true, MaxLength = 1048576, PatternDescription = "rules (docs/rules-and-checks.md)")]
    public string? Rules { get => Onboarding.Rules; init => Onboarding = Onboarding with { Rules = value }; }

    [Setting("A tag that leaves a VM alone, as key (any value) or key=pattern (* and ?), e.g. vmeventops:skip=true: the built-in rule SkipTagged, first of all rules. Empty: no such rule.",
        MaxLength = 512, Pattern = "^[^=]*[^=\\s][^=]*(=.*)?$", PatternDescription = "key or key=pattern")]
    public string? SkipTag { get => Onboarding.SkipTag; init => Onboarding = Onboarding with { SkipTag = value }; }

    // Reconcile (Sync-VmOnboarding, Get-VmOnboardingCompliance, Event Grid's dead letters)
    [Setting("Where the sweep lists the VMs in scope: Arm (one list per subscription or resource group, every nextLink) or ResourceGraph (one Azure Resource Graph query for all scopes, cheaper on large estates).")]
    public VmInventorySource ReconcileSource { get => Reconcile.ReconcileSource; init => Reconcile = Reconcile with { ReconcileSource = value }; }

    [Setting("api-version of Azure Resource Graph queries (ReconcileSource ResourceGraph).", Pattern = ApiVersionPattern, PatternDescription = ApiVersionRule)]
    public string ResourceGraphApiVersion { get => Reconcile.ResourceGraphApiVersion; init => Reconcile = Reconcile with { ResourceGraphApiVersion = value }; }

    [Setting("Pages of one scope's VM list (or of the Resource Graph query) the sweep reads at most; a longer list is reported incomplete, and no record of it is reported gone.", Minimum = 1, Maximum = 100000)]
    public int ReconcileMaxPages { get => Reconcile.ReconcileMaxPages; init => Reconcile = Reconcile with { ReconcileMaxPages = value }; }

    [Setting("How long a VM's record may stay InProgress, or past its retry's due time, before the sweep takes its message for lost and queues the VM again.", Minimum = 60, Maximum = Week)]
    public TimeSpan ReconcileStaleAfter { get => Reconcile.ReconcileStaleAfter; init => Reconcile = Reconcile with { ReconcileStaleAfter = value }; }

    [Setting("Blob container Event Grid dead-letters undeliverable events to (deploy/infra: eventgrid-deadletter); the sweep replays them.",
        Pattern = "^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$", PatternDescription = "a container name: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit")]
    public string DeadLetterContainerName { get => Reconcile.DeadLetterContainerName; init => Reconcile = Reconcile with { DeadLetterContainerName = value }; }

    // The dashboard and the HTTP API
    [Setting("A link to a trace, shown with each VM's trace id in the dashboard: a URL with {traceId} in it (Application Insights' transaction search, a Grafana or Jaeger trace page). Only https links are shown.")]
    public string? TraceLinkTemplate { get => Dashboard.TraceLinkTemplate; init => Dashboard = Dashboard with { TraceLinkTemplate = value }; }

    [Setting("In the Function app's dashboard (App Service Authentication): the app roles, comma-separated, of which a signed-in principal needs one to re-queue and re-run; reading needs only a sign-in.")]
    public IReadOnlyList<string> DashboardActionRoles { get => Dashboard.DashboardActionRoles; init => Dashboard = Dashboard with { DashboardActionRoles = value }; }

    [Setting("In the Function app's dashboard (App Service Authentication): the Entra ID group object ids, comma-separated, of which a signed-in principal needs one to re-queue and re-run (instead of, or besides, DashboardActionRoles).")]
    public IReadOnlyList<string> DashboardActionGroups { get => Dashboard.DashboardActionGroups; init => Dashboard = Dashboard with { DashboardActionGroups = value }; }
}
