using System.Net;
using System.Net.Sockets;

namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>
/// A loopback port that accepts every connection and resets it when the client's first data arrives: a server that is
/// starting, or too busy to take a client. (A connection that sends nothing, such as the check's TCP stage, just closes.)
/// </summary>
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
                _ = ResetAsync(await _listener.AcceptTcpClientAsync());
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private static async Task ResetAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                if (await client.GetStream().ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false) == 0) return;
                client.Client.LingerState = new LingerOption(true, 0); // close with a reset, not a goodbye
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The client went first.
            }
        }
    }
}
