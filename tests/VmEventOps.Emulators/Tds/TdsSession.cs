using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace VmEventOps.Emulators.Tds;

/// <summary>
/// One client connection, as SQL Server runs it ([MS-TDS] 3.3): PRELOGIN (or, for TDS 8, TLS first and PRELOGIN inside
/// it), the TLS handshake inside PRELOGIN packets when encryption is negotiated, LOGIN7 answered with LOGINACK or with
/// ERROR 18456 / 4060 and the connection closed, then SQL batches, each answered or cancelled by an attention.
/// </summary>
internal sealed class TdsSession(Socket socket, TdsEmulatorOptions options, Action<TdsLoginRecord> recordLogin, Action countAttention) : IDisposable
{
    private const string ServerName = "VMEVENTOPS-TDS";
    private const byte TlsHandshakeRecord = 0x16;
    private const uint Tds74 = 0x74000004;
    private const uint Tds80 = 0x08000000;
    private readonly SemaphoreSlim _batchLock = new(1, 1);
    private RunningBatch? _running;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var network = new NetworkStream(socket, ownsSocket: true);
        try
        {
            await ServeAsync(network, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or InvalidDataException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away, or spoke something else than TDS: the connection ends, as on a real server.
        }
    }

    private async Task ServeAsync(NetworkStream network, CancellationToken cancellationToken)
    {
        var first = new byte[1];
        if (await socket.ReceiveAsync(first, SocketFlags.Peek, cancellationToken).ConfigureAwait(false) == 0) return;
        var tlsFirst = first[0] == TlsHandshakeRecord;
        Stream transport = network;
        if (tlsFirst)
        {
            // A TDS 8 client; a server before SQL Server 2022 reads a packet of an unknown type and closes the connection.
            if (!options.Tds8 || options.Certificate is null) return;
            var tls = new SslStream(network, leaveInnerStreamOpen: true);
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = options.Certificate,
                ApplicationProtocols = [new SslApplicationProtocol("tds/8.0")],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            }, cancellationToken).ConfigureAwait(false);
            transport = tls;
        }

        using var packets = new TdsPacketStream(transport);
        var preLogin = await packets.ReadMessageAsync(cancellationToken).ConfigureAwait(false);
        if (preLogin is not { Type: TdsPacketType.PreLogin }) return;
        var asked = PreLogin.Read(preLogin.Data);
        var clientEncryption = asked.TryGetValue(PreLogin.Encryption, out var value) && value.Length > 0 ? value[0] : PreLogin.EncryptNotSupported;
        // TDS 8: the session is encrypted already, so the option negotiates nothing.
        var answer = tlsFirst ? PreLogin.EncryptNotSupported : PreLogin.Answer(options.Encryption, clientEncryption);
        await packets.WriteMessageAsync(TdsPacketType.TabularResult,
            PreLogin.Response(options.ProductVersion, answer, asked.ContainsKey(PreLogin.FedAuthRequired)), cancellationToken).ConfigureAwait(false);

        var encryption = tlsFirst ? "TlsFirst" : "None";
        var loginOnly = false;
        if (!tlsFirst && answer != PreLogin.EncryptNotSupported && clientEncryption != PreLogin.EncryptNotSupported)
        {
            loginOnly = answer == PreLogin.EncryptOff;
            encryption = loginOnly ? "LoginOnly" : "Session";
            var wrapped = new TlsInPreLoginStream(network);
            var tls = new SslStream(wrapped, leaveInnerStreamOpen: true);
            // SQL Server encrypts TDS 7.x sessions with TLS 1.2 at most; TLS 1.3 only comes with TDS 8.
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = options.Certificate ?? throw new InvalidOperationException("Encryption Supported or Required needs a certificate."),
                EnabledSslProtocols = SslProtocols.Tls12,
            }, cancellationToken).ConfigureAwait(false);
            wrapped.HandshakeDone();
            packets.Transport = tls;
        }

        // Login-only encryption: the first packet of the LOGIN7 comes through TLS, the rest of the session in clear text.
        var message = await packets.ReadMessageAsync(cancellationToken, loginOnly ? () => packets.Transport = network : null).ConfigureAwait(false);
        if (message is not { Type: TdsPacketType.Login7 }) return;
        var login = Login7.Read(message.Data);
        if (options.StallAtLogin)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        if (!await LoginAsync(packets, login, encryption, tlsFirst, cancellationToken).ConfigureAwait(false)) return;
        await ServeBatchesAsync(packets, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> LoginAsync(TdsPacketStream packets, Login7 login, string encryption, bool tlsFirst, CancellationToken cancellationToken)
    {
        using var tokens = new TdsTokenWriter();
        var database = string.IsNullOrEmpty(login.Database) ? "master" : login.Database;
        var known = options.Logins.TryGetValue(login.UserName, out var password) && string.Equals(password, login.Password, StringComparison.Ordinal);
        var exists = string.Equals(database, "master", StringComparison.OrdinalIgnoreCase) || options.Databases.Contains(database, StringComparer.OrdinalIgnoreCase);
        recordLogin(new TdsLoginRecord(login.UserName, login.Database, login.AppName, login.ServerName, login.TdsVersion, encryption, known && exists));
        if (!known)
        {
            // State 8: a wrong password (the state a client sees is always 1 in the message; the server log has the real one).
            tokens.Error(18456, 1, 14, $"Login failed for user '{login.UserName}'.", ServerName).Done(TdsTokenWriter.DoneError);
        }
        else if (!exists)
        {
            tokens.Error(4060, 1, 11, $"Cannot open database \"{database}\" requested by the login. The login failed.", ServerName)
                .Error(18456, 1, 14, $"Login failed for user '{login.UserName}'.", ServerName)
                .Done(TdsTokenWriter.DoneError);
        }
        else
        {
            var packetSize = Math.Clamp(login.PacketSize == 0 ? 4096 : login.PacketSize, 512, 32767);
            tokens.EnvChange(1, database, "master")
                .Info(5701, 2, 0, $"Changed database context to '{database}'.", ServerName)
                .EnvChange(2, "us_english", string.Empty)
                .Info(5703, 1, 0, "Changed language setting to us_english.", ServerName)
                .CollationChange(TdsTokenWriter.DefaultCollation)
                .LoginAck(tlsFirst && login.TdsVersion == Tds80 ? Tds80 : Tds74, options.ProductVersion)
                .EnvChange(4, packetSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "4096")
                .Done(TdsTokenWriter.DoneFinal);
            await packets.WriteMessageAsync(TdsPacketType.TabularResult, tokens.ToArray(), cancellationToken).ConfigureAwait(false);
            packets.PacketSize = packetSize;
            return true;
        }

        await packets.WriteMessageAsync(TdsPacketType.TabularResult, tokens.ToArray(), cancellationToken).ConfigureAwait(false);
        return false; // a failed login closes the connection
    }

    private async Task ServeBatchesAsync(TdsPacketStream packets, CancellationToken cancellationToken)
    {
        var batches = new List<Task>();
        try
        {
            while (await packets.ReadMessageAsync(cancellationToken).ConfigureAwait(false) is { } message)
            {
                switch (message.Type)
                {
                    case TdsPacketType.SqlBatch when !options.StallAfterLogin:
                        batches.Add(RunBatchAsync(packets, TdsBatch.Plan(TdsBatch.ReadText(message.Data), options, ServerName), cancellationToken));
                        break;
                    case TdsPacketType.Attention:
                        countAttention();
                        if (!options.IgnoreAttention && !options.StallAfterLogin) await AttentionAsync(packets, cancellationToken).ConfigureAwait(false);
                        break;
                    case TdsPacketType.SqlBatch:
                        break; // stalled: read, never answered
                    default:
                        // An RPC, bulk load or transaction request: not part of a connection check.
                        await packets.WriteMessageAsync(TdsPacketType.TabularResult, new TdsTokenWriter()
                            .Error(4002, 1, 16, "The incoming tabular data stream (TDS) protocol stream is incorrect. The stream ended unexpectedly.", ServerName)
                            .Done(TdsTokenWriter.DoneError).ToArray(), cancellationToken).ConfigureAwait(false);
                        break;
                }
            }
        }
        finally
        {
            await Task.WhenAll(batches).ConfigureAwait(false);
        }
    }

    private async Task RunBatchAsync(TdsPacketStream packets, TdsBatch batch, CancellationToken cancellationToken)
    {
        var running = new RunningBatch(CancellationTokenSource.CreateLinkedTokenSource(cancellationToken));
        await _batchLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        _running = running;
        _batchLock.Release();
        try
        {
            if (batch.Delay > TimeSpan.Zero)
            {
                // A server that ignores attention waits on the session's token only: the client's cancel changes nothing.
                await Task.Delay(batch.Delay, options.IgnoreAttention ? cancellationToken : running.Cancellation.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Cancelled by an attention, which answers for it.
        }

        await _batchLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            running.Completed = true;
            if (running.Attention)
            {
                await packets.WriteMessageAsync(TdsPacketType.TabularResult, new TdsTokenWriter().Done(TdsTokenWriter.DoneAttention).ToArray(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await packets.WriteMessageAsync(TdsPacketType.TabularResult, batch.Response, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _batchLock.Release();
            running.Cancellation.Dispose();
        }
    }

    private async Task AttentionAsync(TdsPacketStream packets, CancellationToken cancellationToken)
    {
        await _batchLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_running is { Completed: false } running)
            {
                // The batch stops and its answer becomes the acknowledgement (DONE with DONE_ATTN, [MS-TDS] 2.2.1.7).
                running.Attention = true;
                await running.Cancellation.CancelAsync().ConfigureAwait(false);
                return;
            }

            // Nothing running (the answer crossed the attention on the wire): it is acknowledged all the same.
            await packets.WriteMessageAsync(TdsPacketType.TabularResult, new TdsTokenWriter().Done(TdsTokenWriter.DoneAttention).ToArray(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _batchLock.Release();
        }
    }

    private sealed class RunningBatch(CancellationTokenSource cancellation)
    {
        public CancellationTokenSource Cancellation { get; } = cancellation;
        public bool Completed { get; set; }
        public bool Attention { get; set; }
    }

    public void Dispose() => _batchLock.Dispose();
}
