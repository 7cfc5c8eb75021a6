using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// A database login from the VM's point of view (its server template resolved with the VM's facts): a failure is worth
/// another attempt (the database of a new VM may come up later) when the rule says so, except one of encryption or
/// certificates, which are settings to fix — no later attempt can differ. The password comes from
/// <paramref name="password"/> (DbPassword, or the rule's own, a Key Vault reference read when the check runs).
/// </summary>
internal sealed class DatabaseCheck(DatabaseCheckSpec spec, VmEventOptions options, IHostLog log, Func<CancellationToken, Task<string?>> password, KnownSecrets secrets, Func<VmEventOptions, TokenProvider> tokens) : IVmCheck
{
    public string Name => spec.Name;

    public async Task<CheckResult> RunAsync(VmFacts vm, CancellationToken cancellationToken)
    {
        var secret = await password(cancellationToken).ConfigureAwait(false);
        secrets.Learn(secret);
        var server = spec.FromSettings ? DbConnectionChecker.ResolveServer(spec.Server, vm.Vm) : FactTemplate.RenderHost(spec.Server, vm.Vm);
        var check = await DbConnectionChecker.CheckAsync(new DbCheckRequest
        {
            Provider = spec.Provider,
            Server = server,
            Port = spec.Port,
            Database = spec.Database,
            UserName = spec.User,
            Password = secret is null ? null : new System.Net.NetworkCredential(string.Empty, secret).SecurePassword,
            Encryption = spec.Encryption,
            TrustServerCertificate = spec.TrustServerCertificate,
            HostNameInCertificate = spec.HostNameInCertificate,
        }, options, tokens, log, cancellationToken).ConfigureAwait(false);
        if (check.Success) return CheckResult.Pass(Name, $"OK ({check.Provider}, {check.ElapsedMs} ms)");

        var summary = $"{check.FailedStage} {check.ErrorCategory}";
        var failure = check.ErrorCategory == DbErrorCategory.TlsFailure
            ? new Failure(ErrorIds.DbNotConfigured, VmErrorCategory.InvalidArgument, false, null,
                $"Database check of {check.Server} failed at {check.FailedStage}: {check.ErrorCategory} ({check.TlsProblem}): {check.Message}")
            : new Failure(ErrorIds.DbCheckFailed, VmErrorCategory.ConnectionError, spec.Retryable, null,
                $"Database check of {check.Server} failed at {check.FailedStage}: {check.ErrorCategory}: {check.Message}");
        return CheckResult.Fail(Name, summary, failure);
    }
}
