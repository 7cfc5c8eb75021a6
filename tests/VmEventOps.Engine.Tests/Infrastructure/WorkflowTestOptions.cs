using VmEventOps.Emulators;
using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>Settings for a workflow test: queues and state table of its own on Azurite, the ARM emulator, managed-identity tokens, rg-app in scope.</summary>
public static class WorkflowTestOptions
{
    public const string Subscription = "11111111-2222-3333-4444-555555555555";
    public const string AutomationAccount = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/aa-onboarding";

    public static VmEventOptions For(AzuriteFixture azurite, ArmEmulator arm) => azurite.UniqueQueues() with
    {
        StateTableName = "state" + Guid.NewGuid().ToString("n")[..10],
        AllowedScopes = [$"/subscriptions/{Subscription}/resourceGroups/rg-app"],
        ArmEndpoint = arm.BaseUri,
        ArmAllowedHosts = [arm.BaseUri.Authority],
        AuthMode = AuthMode.ManagedIdentity,
        AutomationAccountId = AutomationAccount,
        RunbookName = "Onboard-Vm",
    };
}
