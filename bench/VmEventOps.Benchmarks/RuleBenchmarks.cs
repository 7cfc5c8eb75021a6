using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Workflow;
using VmEventOps.Engine.Workflow.Checks;
using VmEventOps.Engine.Workflow.Steps;

namespace VmEventOps.Benchmarks;

/// <summary>
/// What rules and checks add to one event: the decider's rule step (ten rules, the VM matching the last) and the rule's
/// checks run as the workflow runs them (a stage each, within its limit), with 0, 1 and 5 checks. Tags checks measure
/// the engine's own cost per check; TcpPort checks add a real connection to a loopback listener.
/// </summary>
[MemoryDiagnoser]
public class RuleBenchmarks : IDisposable
{
    private const string VmId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-load/providers/Microsoft.Compute/virtualMachines/vm-load-0001";
    private TcpListener? _listener;
    private RuleSet _rules = null!;
    private IReadOnlyList<IVmCheck> _checks = [];
    private OnboardingFacts _facts = null!;
    private MatchRuleStep _match = null!;
    private RunChecksStep _run = null!;

    [Params(0, 1, 5)]
    public int Checks { get; set; }

    [Params("Tags", "TcpPort")]
    public string Kind { get; set; } = "Tags";

    [GlobalSetup]
    public void Setup()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(1000);
        _ = AcceptForeverAsync(_listener);
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        var check = Kind == "Tags" ? """{ "Kind": "Tags", "Required": ["env", "owner=team-*"] }""" : $$"""{ "Kind": "TcpPort", "Host": "127.0.0.1", "Port": {{port}} }""";
        var others = string.Join(",", Enumerable.Range(1, 9).Select(i => $$"""{ "Name": "other{{i}}", "Match": { "Tags": ["team=t{{i}}"], "OsType": "Windows" }, "Skip": true }"""));
        var rules = $$"""[{{others}}, { "Name": "this", "Match": { "OsType": "Linux", "VmName": "vm-load-*" }, "Checks": [{{string.Join(",", Enumerable.Repeat(check, Checks))}}] }]""";
        var options = new VmEventOptions { AutomationAccountId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/aa-onboarding", RunbookName = "Onboard-Vm", Rules = rules };
        _rules = RuleSet.From(options);
        if (_rules.Errors.Count > 0) throw new InvalidOperationException(_rules.Errors[0].Message);
        var factory = new CheckFactory(options, NullHostLog.Instance, _ => Task.FromResult<string?>(null), new KnownSecrets(SecretRedactor.ForOptions(options)), new CheckServices(new CheckHttpClients(), VmEventEngine.Secrets, o => VmEventEngine.For(o).Tokens), null);
        _checks = factory.For(_rules.Rules.Single(r => r.Name == "this"));
        var vm = new VmNetworkInfo
        {
            VmResourceId = VmId, VmId = Guid.NewGuid(), VmName = "vm-load-0001", OsType = "Linux", Location = "westeurope", PrivateIpAddress = "127.0.0.1",
            Tags = new Dictionary<string, string> { ["env"] = "load", ["owner"] = "team-bench" },
        };
        _facts = new OnboardingFacts
        {
            Event = new VmEvent { EventId = "e", EventType = EventFilter.ResourceWriteSuccess, OperationName = EventFilter.VmWriteOperation, Schema = EventSchema.EventGrid, Raw = "{}", ParsedVmId = VmResourceId.Parse(VmId), VmResourceId = VmId },
            Attempt = 1, StateRead = true, Vm = vm,
        };
        _match = new MatchRuleStep(_rules);
        _run = new RunChecksStep(_ => _checks);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _listener?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>One event's rule and checks: match the rule, then run its checks as stages, as the processor does.</summary>
    [Benchmark]
    public async Task<int> MatchAndRunChecks()
    {
        var stages = new StageTimer(new StageSpan(null));
        var context = new AttemptContext(null!, stages, null, DateTimeOffset.UtcNow, CancellationToken.None);
        var matched = await _match.RunAsync(_facts, context, CancellationToken.None);
        var done = await _run.RunAsync(matched, context, CancellationToken.None);
        return done.Checks!.Count(c => c.Passed);
    }

    private static async Task AcceptForeverAsync(TcpListener listener)
    {
        while (true)
        {
            try
            {
                (await listener.AcceptTcpClientAsync()).Dispose();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }
}
