using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.KeyVault;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// What checks use that the composition root owns: the HTTP clients of Http checks, the reader of Key Vault references
/// (a rule's Database password) and the identity of given settings (a Database check that logs in with a token).
/// </summary>
internal sealed record CheckServices(CheckHttpClients Http, KeyVaultReferenceResolver Secrets, Func<VmEventOptions, TokenProvider> Tokens);
