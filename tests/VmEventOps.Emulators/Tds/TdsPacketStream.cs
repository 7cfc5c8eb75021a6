using System.Buffers.Binary;

namespace VmEventOps.Emulators.Tds;

/// <summary>
/// Packets over a transport (the socket, or TLS over it once negotiated): an 8-byte header ([MS-TDS] 2.2.3) — type,
/// status (0x01 end of message), length big-endian including the header, SPID, packet id, window — then data. A
/// message is the data of its packets up to the one marked end of message.
/// </summary>
internal sealed class TdsPacketStream : IDisposable
{
    public const int HeaderLength = 8;
    private const byte EndOfMessage = 0x01;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private byte _packetId;

    public TdsPacketStream(Stream transport) => Transport = transport;

    /// <summary>Where packets are read and written; replaced when TLS starts or (login-only encryption) ends.</summary>
    public Stream Transport { get; set; }

    /// <summary>The largest packet the server writes (4096 until the login negotiates otherwise).</summary>
    public int PacketSize { get; set; } = 4096;

    public ushort Spid { get; set; } = 51;

    /// <summary>Reads one packet; null when the client closed the connection between packets.</summary>
    public async Task<(byte Type, bool Last, byte[] Data)?> ReadPacketAsync(CancellationToken cancellationToken)
    {
        var header = new byte[HeaderLength];
        var read = await Transport.ReadAtLeastAsync(header, HeaderLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0) return null;
        if (read < HeaderLength) throw new EndOfStreamException("The client closed the connection inside a packet header.");
        var length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2));
        if (length < HeaderLength) throw new InvalidDataException($"A packet header gives the length {length}, shorter than the header.");
        var data = new byte[length - HeaderLength];
        await Transport.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
        return (header[0], (header[1] & EndOfMessage) != 0, data);
    }

    /// <summary>Reads packets up to the end of a message; <paramref name="afterFirstPacket"/> runs once the first is in (login-only encryption ends there).</summary>
    public async Task<TdsMessage?> ReadMessageAsync(CancellationToken cancellationToken, Action? afterFirstPacket = null)
    {
        var first = await ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        if (first is null) return null;
        afterFirstPacket?.Invoke();
        var (type, last, data) = first.Value;
        if (last) return new TdsMessage(type, data);
        using var whole = new MemoryStream();
        whole.Write(data);
        while (!last)
        {
            var next = await ReadPacketAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new EndOfStreamException("The client closed the connection inside a message.");
            if (next.Type != type) throw new InvalidDataException($"A message of type 0x{type:x2} goes on with a packet of type 0x{next.Type:x2}.");
            whole.Write(next.Data);
            last = next.Last;
        }

        return new TdsMessage(type, whole.ToArray());
    }

    /// <summary>Writes a message as packets of at most <see cref="PacketSize"/> bytes; messages of concurrent writers never interleave.</summary>
    public async Task WriteMessageAsync(byte type, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var room = PacketSize - HeaderLength;
            var offset = 0;
            do
            {
                var size = Math.Min(room, data.Length - offset);
                var packet = new byte[HeaderLength + size];
                packet[0] = type;
                packet[1] = offset + size == data.Length ? EndOfMessage : (byte)0;
                BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
                BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), Spid);
                packet[6] = ++_packetId;
                data.Slice(offset, size).CopyTo(packet.AsMemory(HeaderLength));
                await Transport.WriteAsync(packet, cancellationToken).ConfigureAwait(false);
                offset += size;
            }
            while (offset < data.Length);

            await Transport.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();
}
