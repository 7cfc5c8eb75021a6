using System.Runtime.CompilerServices;
using VmEventOps.Emulators;
using VmEventOps.Loading;

namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>
/// Before any test: the test process is an App Service whose managed identity is the emulator, and no
/// managed-identity request may leave this machine (IMDS lives at 169.254.169.254, which a test must
/// never reach: AZURE_POD_IDENTITY_AUTHORITY_HOST points IMDS at a closed loopback port). MSAL decides
/// the managed identity source once per process, so the environment is set once, here; the IMDS and
/// "no identity at all" cases run in processes of their own (tests/pester/Get-VmAccessToken.Tests.ps1).
/// </summary>
internal static class SafeIdentityEnvironment
{
    public const string ClosedLoopback = "http://127.0.0.1:9/";

    private static ManagedIdentityEmulator? _emulator;

    /// <summary>The process-wide managed identity (App Service protocol).</summary>
    public static ManagedIdentityEmulator Emulator => _emulator ?? throw new InvalidOperationException("The module initializer did not run.");

    [ModuleInitializer]
    internal static void Apply()
    {
        foreach (var name in new[] { "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        Environment.SetEnvironmentVariable("AZURE_POD_IDENTITY_AUTHORITY_HOST", ClosedLoopback);
        // The Azure Monitor exporter reports its own use to a Microsoft endpoint unless told not to: nothing leaves this machine.
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        _emulator = ManagedIdentityEmulator.StartAsync().GetAwaiter().GetResult();
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", _emulator.AppServiceEndpoint.ToString());
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", _emulator.IdentityHeader);
    }
}

/// <summary>Sets process environment variables for one test and restores them after. Tests using it run in <see cref="ProcessEnvironmentCollection"/>.</summary>
public sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> _saved = new();

    public EnvironmentScope Set(string name, string? value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }
}

/// <summary>Tests that change the process environment: never in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}
