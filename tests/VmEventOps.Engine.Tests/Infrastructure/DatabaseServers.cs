using System.Net.Sockets;

namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL and MariaDB servers tests/servers/start-databases.sh starts on loopback (build.ps1 -Task Test runs it).
/// A server that is not there fails the test with how to start it; nothing is skipped.
/// </summary>
public static class DatabaseServers
{
    public const string Host = "127.0.0.1";
    public const string User = "vmeventops";
    public const string Database = "vmeventops";
    public const int PostgreSqlPort = 5432;
    public const int MariaDbPort = 3306;

    public static string Password => Environment.GetEnvironmentVariable("VMEVENTOPSTEST_DB_PASSWORD") ?? "vmeventops-test-Pa55";

    public static void EnsureListening(int port)
    {
        try
        {
            using var tcp = new TcpClient();
            tcp.Connect(Host, port);
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"No database server on {Host}:{port} ({e.SocketErrorCode}): start them with 'bash tests/servers/start-databases.sh' (as root) or build.ps1 -Task Test.", e);
        }
    }
}

/// <summary>A loopback port that accepts connections and never says a word: the "server that hangs".</summary>
public sealed class SilentListener : IDisposable
{
    private readonly TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
    private readonly List<TcpClient> _accepted = [];

    public SilentListener()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose()
    {
        _listener.Stop();
        lock (_accepted) _accepted.ForEach(c => c.Dispose());
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync();
                lock (_accepted) _accepted.Add(client);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
        }
    }
}
