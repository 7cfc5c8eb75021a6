using System.Collections.Concurrent;
using System.Reflection;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Hosting;

/// <summary>The composition root: one host per distinct identity and endpoints, shared by every call with those settings, and nothing else shared.</summary>
// The registry is process-wide: tests of other classes adding hosts in parallel could push these past the capacity mid-test.
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class CompositionRootTests
{
    // A service principal needs no I/O to build; each test uses tenants of its own, so hosts of other tests never mix in.
    private static VmEventOptions Identity(string tenant, string storage) => new()
    {
        AuthMode = AuthMode.ServicePrincipal,
        TenantId = tenant,
        ClientId = "00000000-0000-0000-0000-00000000000a",
        ClientSecret = "Sp-Secret-Of-" + tenant,
        StorageAccountName = storage,
    };

    [Fact]
    public async Task For_From200ConcurrentCalls_ShouldBuildOneCredentialPerIdentity_AndOneClientPerIdentityAndAccount()
    {
        var tenants = new[] { Guid.NewGuid().ToString(), Guid.NewGuid().ToString() };
        var accounts = new[] { "accounta" + Random.Shared.Next(1000, 9999), "accountb" + Random.Shared.Next(1000, 9999) };
        var seen = new ConcurrentBag<(int Tenant, int Account, TokenProvider Tokens, object Queues, object Tables, string Queue)>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            await Task.Yield();
            var (tenant, account) = (i % 2, (i / 2) % 2);
            // Settings that are not identity or endpoint differ per call: they never split a host.
            var options = Identity(tenants[tenant], accounts[account]) with { QueueName = $"q-{i % 7}-events", MaxAttempts = 1 + (i % 5) };
            var engine = VmEventEngine.For(options);
            var queues = engine.Queues(Engine.Logging.NullHostLog.Instance);
            seen.Add((tenant, account, engine.Tokens, Field(queues, "_service"), Field(engine.State(), "_table"), queues.NameOf(QueueKind.Main)));
        });

        Assert.Equal(2, seen.Select(s => s.Tokens).Distinct().Count());
        Assert.All(seen.GroupBy(s => s.Tenant), g => Assert.Single(g.Select(s => s.Tokens).Distinct()));
        Assert.Equal(4, seen.Select(s => s.Queues).Distinct().Count());
        Assert.All(seen.GroupBy(s => (s.Tenant, s.Account)), g => Assert.Single(g.Select(s => s.Queues).Distinct()));
        // Each call's manager kept its own settings on the shared client.
        Assert.Equal(7, seen.Select(s => s.Queue).Distinct().Count());
    }

    [Fact]
    public void KeyOf_ShouldDifferInEveryIdentityAndEndpointSetting_AndInNoOther()
    {
        var baseline = EngineHostRegistry.KeyOf(new VmEventOptions());
        foreach (var setting in SettingsCatalog.All)
        {
            var changed = setting.Property.PropertyType == typeof(string) ? new VmEventOptions().With(setting, "changed-value")
                : setting.Property.PropertyType == typeof(Uri) ? new VmEventOptions().With(setting, new Uri("https://changed.example/"))
                : null;
            if (changed is null) continue;
            Assert.Equal(setting.IsIdentity || setting.IsEndpoint, EngineHostRegistry.KeyOf(changed) != baseline);
        }
    }

    [Fact]
    public void KeyOf_ShouldNeverHoldASecretInPlainText()
    {
        var options = Identity(Guid.NewGuid().ToString(), "account1") with { StorageConnectionString = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Q29ubmVjdGlvbi1LZXktU2VjcmV0;EndpointSuffix=core.windows.net" };

        var key = EngineHostRegistry.KeyOf(options);

        Assert.DoesNotContain(options.ClientSecret!, key);
        Assert.DoesNotContain("Q29ubmVjdGlvbi1LZXktU2VjcmV0", key);
    }

    [Fact]
    public void For_WhenTheCredentialCannotBeBuilt_ShouldNotKeepTheFailure()
    {
        var broken = new VmEventOptions { AuthMode = AuthMode.ServicePrincipal, TenantId = Guid.NewGuid().ToString(), StorageAccountName = "account1" };

        Assert.Throws<Engine.Errors.VmEventOpsException>(() => VmEventEngine.For(broken).Tokens);
        var fixedUp = broken with { ClientId = "00000000-0000-0000-0000-00000000000b", ClientSecret = "Now-Given-Secret-1" };
        Assert.NotNull(VmEventEngine.For(fixedUp).Tokens);
    }

    [Fact]
    public void For_BeyondTheCapacity_ShouldKeepAtMostCapacityHosts()
    {
        for (var i = 0; i < EngineHostRegistry.Capacity + 10; i++) VmEventEngine.For(new VmEventOptions { StorageAccountName = $"bound{i:D4}" });

        Assert.InRange(EngineHostRegistry.Count, 1, EngineHostRegistry.Capacity);
    }

    private static object Field(object owner, string name) =>
        owner.GetType().GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(owner)!;
}

internal static class OptionsExtensions
{
    // A copy of the options with one setting changed (records are copied by their clone method, then the init-only property set).
    public static VmEventOptions With(this VmEventOptions options, SettingDefinition setting, object value)
    {
        var copy = options with { };
        setting.Property.SetValue(copy, value);
        return copy;
    }
}
