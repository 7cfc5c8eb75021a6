using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>
/// The first exchange of a PostgreSQL server with <c>ssl = off</c>, as the protocol documents it (PostgreSQL 15,
/// "Frontend/Backend Protocol", SSL Session Encryption): the client's SSLRequest (length 8, code 80877103) is answered
/// with the single byte 'N', and the connection is closed. The suite's real PostgreSQL serves TLS, so this is the
/// server without TLS that a Mandatory check meets.
/// </summary>
public sealed class PostgreSqlWithoutTlsListener : IDisposable
{
    private const int SslRequestCode = 80877103;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public PostgreSqlWithoutTlsListener()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>SSLRequests answered with 'N'.</summary>
    public int Refused { get; private set; }

    public void Dispose() => _listener.Stop();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                var request = new byte[8];
                if (await stream.ReadAtLeastAsync(request, 8, throwOnEndOfStream: false) < 8) continue; // the check's TCP stage
                if (BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4)) != SslRequestCode) continue;
                Refused++;
                await stream.WriteAsync("N"u8.ToArray());
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException or IOException)
        {
            // Stopped.
        }
    }
}
