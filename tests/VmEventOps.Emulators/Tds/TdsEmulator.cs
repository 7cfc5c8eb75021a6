using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace VmEventOps.Emulators.Tds;

/// <summary>
/// A SQL Server as Microsoft.Data.SqlClient meets it on the wire, on a free loopback port, written from [MS-TDS]
/// (see SOURCES.md): PRELOGIN with encryption negotiation (off, on, required, not supported) and TDS 8's TLS first,
/// TLS carried inside PRELOGIN packets for the login, LOGIN7 answered with LOGINACK or ERROR 18456 / 4060, and SQL
/// batches (<see cref="TdsBatch"/>) that answer, fail, or wait — cancelled by an attention, or not when told to ignore it.
/// </summary>
public sealed class TdsEmulator : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<TdsLoginRecord> _logins = new();
    private readonly ConcurrentDictionary<Task, bool> _sessions = new();
    private readonly TdsEmulatorOptions _options;
    private readonly Task _accepting;
    private int _connections;
    private int _attentions;

    private TdsEmulator(TdsEmulatorOptions options)
    {
        _options = options;
        _listener = new TcpListener(options.Address, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Starts listening on 127.0.0.1 on a free port.</summary>
    public static TdsEmulator Start(TdsEmulatorOptions options) => new(options);

    public string Host => _options.Address.ToString();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every LOGIN7 received, in order.</summary>
    public IReadOnlyList<TdsLoginRecord> Logins => [.. _logins];

    /// <summary>TCP connections accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Connections still open (a client that went away, or one the server still holds).</summary>
    public int OpenConnections => _sessions.Count;

    /// <summary>Attention packets received (a client cancelling a batch).</summary>
    public int Attentions => Volatile.Read(ref _attentions);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        await Task.WhenAll(_sessions.Keys).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunSessionAsync(Socket socket)
    {
        using var session = new TdsSession(socket, _options, _logins.Enqueue, () => Interlocked.Increment(ref _attentions));
        await session.RunAsync(_stopping.Token).ConfigureAwait(false);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _connections);
                var session = RunSessionAsync(socket);
                _sessions[session] = true;
                _ = session.ContinueWith(done => _sessions.TryRemove(done, out _), TaskScheduler.Default);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }
}
