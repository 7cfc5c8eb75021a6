using System.Net;
using System.Net.Sockets;

namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>
/// A loopback port in front of a real server that forwards connections until one of them has started a session (sent
/// data), and holds every later one open and silent. Npgsql and MySqlConnector cancel a running query over a second
/// connection (PostgreSQL's CancelRequest, MySQL's KILL QUERY): through this proxy the cancellation never arrives, as
/// behind a firewall that lets only the session's own connection through, and the server runs the query to its end —
/// a server that ignores cancellation. (A connection that sends nothing, such as the check's TCP stage, is forwarded.)
/// </summary>
public sealed class OneSessionProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly List<IDisposable> _open = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _sessionStarted;
    private int _held;

    public OneSessionProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections that came after the session started, held without a word.</summary>
    public int Held => Volatile.Read(ref _held);

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Stop();
        lock (_open) _open.ForEach(h => h.Dispose());
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
                lock (_open) _open.Add(client);
                if (Volatile.Read(ref _sessionStarted) == 1)
                {
                    Interlocked.Increment(ref _held);
                    continue;
                }

                var server = new TcpClient();
                lock (_open) _open.Add(server);
                await server.ConnectAsync(IPAddress.Loopback, _target, _stopping.Token);
                _ = PumpAsync(client, server, fromClient: true);
                _ = PumpAsync(server, client, fromClient: false);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException or OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task PumpAsync(TcpClient source, TcpClient destination, bool fromClient)
    {
        var buffer = new byte[16384];
        try
        {
            var from = source.GetStream();
            var to = destination.GetStream();
            int read;
            while ((read = await from.ReadAsync(buffer, _stopping.Token)) > 0)
            {
                if (fromClient) Volatile.Write(ref _sessionStarted, 1);
                await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // One side went away.
        }

        // A side that closed closes the other, as a transparent hop does.
        source.Dispose();
        destination.Dispose();
    }
}
