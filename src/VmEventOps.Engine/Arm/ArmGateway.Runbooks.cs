using System.Text.Json;

namespace VmEventOps.Engine.Arm;

// The runbooks of an Automation account (Runbook_ListByAutomationAccount, api-version AutomationApiVersion), for Tab completion.
public sealed partial class ArmGateway
{
    private const string RunbookReaderRole = "Reader (or Automation Operator) on the Automation account";

    /// <summary>
    /// Every runbook of the account, read to the end of its nextLinks (at most ArmMaxPages pages), in the order Automation
    /// lists them. A record without a name is left out.
    /// </summary>
    public async Task<IReadOnlyList<AutomationRunbook>> ListRunbooksAsync(string automationAccountId, CancellationToken cancellationToken)
    {
        var account = AccountPath(automationAccountId);
        var runbooks = new List<AutomationRunbook>();
        await ReadListAsync($"{account}/runbooks", _options.Automation.AutomationApiVersion, filter: null, "Listing the runbooks of the Automation account", automationAccountId, RunbookReaderRole, record =>
        {
            if (record.ValueKind != JsonValueKind.Object || Text(record, "name") is not { Length: > 0 } name) return;
            var properties = record.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            runbooks.Add(new AutomationRunbook
            {
                Name = name,
                RunbookType = properties.ValueKind == JsonValueKind.Object ? Text(properties, "runbookType") : null,
                State = properties.ValueKind == JsonValueKind.Object ? Text(properties, "state") : null,
            });
        }, cancellationToken).ConfigureAwait(false);
        return runbooks;
    }
}
