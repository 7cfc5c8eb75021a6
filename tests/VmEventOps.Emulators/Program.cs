using System.Text.Json;
using VmEventOps.Emulators;

// Runs the emulators as a process (for Pester): prints one JSON line with their addresses and secrets,
// then serves until standard input closes or the process is killed.
await using var identity = await ManagedIdentityEmulator.StartAsync();
var userAssigned = identity.AddUserAssigned("id-vmeventops");
Console.WriteLine(JsonSerializer.Serialize(new
{
    IdentityEndpoint = identity.AppServiceEndpoint.ToString(),
    ImdsHost = identity.BaseUri.ToString(),
    identity.IdentityHeader,
    SystemAssigned = identity.SystemAssigned,
    UserAssigned = userAssigned,
}));
Console.Out.Flush();
await Task.Run(() => Console.In.ReadToEnd());
