using System.Management.Automation;
using System.Net;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Checks that a database server can be reached and logged in to, and says where it fails.</para>
/// <para type="description">Runs the stages Dns, Tcp (connect to host:port), Login (open the driver connection: TLS and authentication)
/// and Query (SELECT 1, or -Query), each timed, and stops at the first that fails. The result says which stage failed and why:
/// NameResolution, Unreachable, Timeout, TlsFailure, LoginFailed, DatabaseNotFound or QueryFailed, with the driver's message (secrets
/// removed), the server version and, for SQL Server, the SqlException number and class. A TLS failure says what went wrong (TlsProblem:
/// EncryptionNotSupported, HandshakeFailed, UntrustedCertificate, NameMismatch, CertificateRejected) and which parameter and setting to
/// change. Every stage ends within -TimeoutSeconds, whatever the server does. A failed check is a result, not an error.</para>
/// <para type="description">Providers: SqlServer (Microsoft.Data.SqlClient, the default), PostgreSql (Npgsql), MySql (MySqlConnector,
/// also MariaDB) and Sqlite (a file path as -Server, opened read-only). Connection strings are built only with each driver's
/// ConnectionStringBuilder, so no name or password can inject options; pooling is off, so every check really connects. SQL Server
/// also logs in with a Microsoft Entra token (-Authentication ManagedIdentity uses the module's identity; AccessToken the token passed
/// in), handed to the driver. Defaults come from the Db* settings; PrivateIpAddress binds to -Server from the pipeline.</para>
/// <example>
///   <code>Test-VmDbConnection -Server 10.0.0.4 -Provider PostgreSql -Database app -Credential (Get-Credential)</code>
///   <para>Checks a PostgreSQL server and shows each stage's time.</para>
/// </example>
/// <example>
///   <code>Get-VmNetworkInfo $vmId | Test-VmDbConnection -Provider MySql -Credential $cred -Quiet</code>
///   <para>True when the new VM's MySQL or MariaDB answers.</para>
/// </example>
/// <example>
///   <code>Test-VmDbConnection -Server sql01.contoso.com -Database app -Authentication ManagedIdentity -Encrypt Strict</code>
///   <para>Checks Azure SQL with the module's identity and TDS 8 encryption.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VmDbConnection")]
[OutputType(typeof(VmDbCheckResult), typeof(bool))]
public sealed class TestVmDbConnectionCommand : ConfiguredCmdlet
{
    /// <summary><para type="description">Host name or address of the server (a file path for Sqlite). The DbServer setting by default.</para></summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PrivateIpAddress", "ComputerName")]
    [ValidateNotNullOrEmpty]
    public string? Server { get; set; }

    /// <summary><para type="description">The port; the provider's default (1433, 5432, 3306) when omitted.</para></summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int? Port { get; set; }

    /// <summary><para type="description">The database to open.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Database { get; set; }

    /// <summary><para type="description">User name and password. The DbUser and DbPassword settings by default.</para></summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary><para type="description">SqlServer, PostgreSql, MySql or Sqlite. The DbProvider setting by default.</para></summary>
    [Parameter]
    public DbProvider? Provider { get; set; }

    /// <summary><para type="description">SQL Server: Password (default), ManagedIdentity (a token of the module's identity) or AccessToken (the token passed in).</para></summary>
    [Parameter]
    [PSDefaultValue(Value = "Password")]
    public DbAuthentication Authentication { get; set; } = DbAuthentication.Password;

    /// <summary><para type="description">The whole check's time limit in seconds.</para></summary>
    [Parameter]
    [ValidateRange(1, 600)]
    [PSDefaultValue(Value = 15)]
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary><para type="description">The query of the last stage.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [PSDefaultValue(Value = "SELECT 1")]
    public string Query { get; set; } = "SELECT 1";

    /// <summary><para type="description">Encryption: Mandatory (TLS with a validated certificate), Optional, or Strict (SQL Server TDS 8). The DbEncryption setting (Mandatory) by default.</para></summary>
    [Parameter]
    public DbEncryption? Encrypt { get; set; }

    /// <summary><para type="description">Accept the server's certificate without validating it (test servers only; SQL Server's Strict validates all the same). The DbTrustServerCertificate setting by default.</para></summary>
    [Parameter]
    public SwitchParameter TrustServerCertificate { get; set; }

    /// <summary><para type="description">SQL Server: the name the server's certificate holds, when -Server is another (an address, an alias). The DbHostNameInCertificate setting by default.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HostNameInCertificate { get; set; }

    /// <summary><para type="description">Return only True or False, as Test-Connection -Quiet does.</para></summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var parameters = new SettingOverrides()
            .Set(o => o.DbProvider, Provider)
            .Set(o => o.DbPort, Port)
            .Set(o => o.DbHostNameInCertificate, HostNameInCertificate)
            .Set(o => o.DbTrustServerCertificate, MyInvocation.BoundParameters.ContainsKey(nameof(TrustServerCertificate)) ? TrustServerCertificate.IsPresent : null);
        var options = LoadConfiguration(parameters).Options;
        var server = Server ?? options.Database.DbServer ?? throw new Engine.Errors.VmEventOpsException(Engine.Errors.ErrorIds.DbNotConfigured,
            Engine.Errors.VmErrorCategory.InvalidArgument, "Say which server to check: -Server or the DbServer setting (VMEVENTOPS_DBSERVER).", nameof(Server));
        var request = new DbCheckRequest
        {
            Provider = options.Database.DbProvider,
            Server = server,
            Port = options.Database.DbPort,
            Database = Database ?? options.Database.DbName,
            UserName = Credential?.UserName ?? options.Database.DbUser,
            Password = Credential?.Password ?? (options.Database.DbPassword is null ? null : new NetworkCredential(string.Empty, options.Database.DbPassword).SecurePassword),
            Authentication = Authentication,
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
            Query = Query,
            Encryption = Encrypt ?? options.Database.DbEncryption,
            TrustServerCertificate = options.Database.DbTrustServerCertificate,
            HostNameInCertificate = options.Database.DbHostNameInCertificate,
        };
        var result = Run(token => DbConnectionChecker.CheckAsync(request, options, o => VmEventEngine.For(o).Tokens, Log, token));
        WriteObject(Quiet ? result.Success : result);
    }
}
