using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database;
using VmEventOps.Engine.Diagnostics;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// A database login from the VM's point of view (its server template resolved with the VM's facts): a failure is worth
/// another attempt (the database of a new VM may come up later), except one of encryption or certificates, which are
/// settings to fix — no later attempt can differ.
/// </summary>
internal sealed class DatabaseCheck(VmEventOptions options, IHostLog log, Func<CancellationToken, Task<string?>> password, KnownSecrets secrets) : IVmCheck
{
    public string Name => "DatabaseCheck";

    public async Task<CheckResult> RunAsync(VmFacts vm, CancellationToken cancellationToken)
    {
        var secret = await password(cancellationToken).ConfigureAwait(false);
        secrets.Learn(secret);
        var check = await DbConnectionChecker.CheckAsync(new DbCheckRequest
        {
            Provider = options.DbProvider,
            Server = DbConnectionChecker.ResolveServer(options.DbServer!, vm.Vm),
            Port = options.DbPort,
            Database = options.DbName,
            UserName = options.DbUser,
            Password = secret is null ? null : new System.Net.NetworkCredential(string.Empty, secret).SecurePassword,
            Encryption = options.DbEncryption,
            TrustServerCertificate = options.DbTrustServerCertificate,
            HostNameInCertificate = options.DbHostNameInCertificate,
        }, options, log, cancellationToken).ConfigureAwait(false);
        if (check.Success) return CheckResult.Pass(Name, $"OK ({check.Provider}, {check.ElapsedMs} ms)");

        var summary = $"{check.FailedStage} {check.ErrorCategory}";
        var failure = check.ErrorCategory == DbErrorCategory.TlsFailure
            ? new Failure(ErrorIds.DbNotConfigured, VmErrorCategory.InvalidArgument, false, null,
                $"Database check of {check.Server} failed at {check.FailedStage}: {check.ErrorCategory} ({check.TlsProblem}): {check.Message}")
            : new Failure(ErrorIds.DbCheckFailed, VmErrorCategory.ConnectionError, true, null,
                $"Database check of {check.Server} failed at {check.FailedStage}: {check.ErrorCategory}: {check.Message}");
        return CheckResult.Fail(Name, summary, failure);
    }
}
