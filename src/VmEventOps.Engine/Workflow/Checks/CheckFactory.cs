using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.KeyVault;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// Builds a rule's checks, each within its limits (<see cref="BoundedCheck"/>). The Db* settings' check takes its
/// password from <paramref name="dbPassword"/>; a rule's own Database check from its Password (a Key Vault reference is
/// read when the check runs, with the module's identity). Script checks run through <paramref name="scripts"/>.
/// </summary>
internal sealed class CheckFactory(VmEventOptions options, IHostLog log, Func<CancellationToken, Task<string?>> dbPassword, KnownSecrets secrets, CheckServices services, IScriptCheckHost? scripts)
{
    public IReadOnlyList<IVmCheck> For(OnboardingRule rule) => rule.Checks.Select(spec => (IVmCheck)new BoundedCheck(Create(rule, spec), spec)).ToArray();

    private IVmCheck Create(OnboardingRule rule, CheckSpec spec) => spec switch
    {
        DatabaseCheckSpec { FromSettings: true } database => new DatabaseCheck(database, options, log, dbPassword, secrets, services.Tokens),
        DatabaseCheckSpec database => new DatabaseCheck(database, options, log, PasswordOf(rule, database), secrets, services.Tokens),
        TcpPortCheckSpec tcp => new TcpPortCheck(tcp),
        HttpCheckSpec web => new HttpCheck(web, services.Http),
        DnsCheckSpec dns => new DnsCheck(dns),
        TagsCheckSpec tags => new TagsCheck(tags),
        ScriptCheckSpec script => new ScriptCheck(script, scripts),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "No check of this kind."),
    };

    private Func<CancellationToken, Task<string?>> PasswordOf(OnboardingRule rule, DatabaseCheckSpec spec)
    {
        if (spec.Password is not { } password) return _ => Task.FromResult<string?>(null);
        if (!KeyVaultReference.IsReference(password)) return _ => Task.FromResult<string?>(password);
        if (!KeyVaultReference.TryParse(password, out var reference, out var problem))
        {
            return _ => throw new VmEventOpsException(ErrorIds.KeyVaultReferenceInvalid, VmErrorCategory.InvalidArgument,
                $"The Password of {spec.Name} in rule {rule.Name} is a Key Vault reference that is not valid: {problem}.");
        }

        var origin = $"rule {rule.Name}, check {spec.Name}";
        return async token => await services.Secrets.ReadRuleSecretAsync(reference!, origin, options, log, token).ConfigureAwait(false);
    }
}
