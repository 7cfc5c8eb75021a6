using System.Buffers.Binary;

namespace VmEventOps.Emulators.Tds;

/// <summary>
/// The stream the server's SslStream runs over in TDS 7.x: while the handshake lasts, every TLS record travels as the
/// data of PRELOGIN packets (type 0x12, [MS-TDS] 2.2.6.5 and 3.3.5.2), so this stream unwraps what it reads and wraps
/// what it writes; once the handshake is done, TLS records go over the socket as they are (<see cref="HandshakeDone"/>).
/// </summary>
internal sealed class TlsInPreLoginStream(Stream inner) : Stream
{
    private const int MaxData = 4096 - TdsPacketStream.HeaderLength;
    private int _remaining;
    private bool _passThrough;

    /// <summary>From now on, reads and writes are not wrapped.</summary>
    public void HandshakeDone() => _passThrough = true;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_passThrough) return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (_remaining == 0)
        {
            var header = new byte[TdsPacketStream.HeaderLength];
            var read = await inner.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < header.Length) return 0;
            if (header[0] != TdsPacketType.PreLogin) throw new InvalidDataException($"A packet of type 0x{header[0]:x2} arrived during the TLS handshake; expected PRELOGIN (0x12).");
            _remaining = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2)) - TdsPacketStream.HeaderLength;
            if (_remaining <= 0) return 0;
        }

        var got = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        _remaining -= got;
        return got;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_passThrough)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            return;
        }

        for (var offset = 0; offset < buffer.Length; offset += MaxData)
        {
            var size = Math.Min(MaxData, buffer.Length - offset);
            var packet = new byte[TdsPacketStream.HeaderLength + size];
            packet[0] = TdsPacketType.PreLogin;
            packet[1] = 0x01;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
            buffer.Slice(offset, size).CopyTo(packet.AsMemory(TdsPacketStream.HeaderLength));
            await inner.WriteAsync(packet, cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
