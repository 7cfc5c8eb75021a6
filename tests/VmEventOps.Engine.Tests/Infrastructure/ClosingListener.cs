using System.Net;
using System.Net.Sockets;

namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>A loopback port that accepts every connection and resets it at once: a server that is starting, or too busy to take a client.</summary>
public sealed class ClosingListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public ClosingListener()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose() => _listener.Stop();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                client.Client.LingerState = new LingerOption(true, 0); // close with a reset, not a goodbye
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }
}
