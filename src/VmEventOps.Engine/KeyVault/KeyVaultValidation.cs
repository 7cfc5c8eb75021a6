using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.KeyVault;

/// <summary>What Get-VmEventConfiguration -Validate found: the settings with <see cref="VmEventSetting.Resolved"/> set for each reference, and why any failed.</summary>
public sealed record KeyVaultValidation(IReadOnlyList<VmEventSetting> Settings, IReadOnlyList<VmEventOpsException> Failures);
