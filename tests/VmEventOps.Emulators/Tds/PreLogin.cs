using System.Buffers.Binary;

namespace VmEventOps.Emulators.Tds;

/// <summary>
/// The PRELOGIN structure ([MS-TDS] 2.2.6.5): a table of options (token, offset and length big-endian) ended by 0xFF,
/// then their data. The encryption option's values are ENCRYPT_OFF 0x00, ENCRYPT_ON 0x01, ENCRYPT_NOT_SUP 0x02 and
/// ENCRYPT_REQ 0x03.
/// </summary>
internal static class PreLogin
{
    public const byte Version = 0x00;
    public const byte Encryption = 0x01;
    public const byte InstOpt = 0x02;
    public const byte ThreadId = 0x03;
    public const byte Mars = 0x04;
    public const byte FedAuthRequired = 0x06;
    public const byte Terminator = 0xFF;

    public const byte EncryptOff = 0x00;
    public const byte EncryptOn = 0x01;
    public const byte EncryptNotSupported = 0x02;
    public const byte EncryptRequired = 0x03;

    /// <summary>The options of a PRELOGIN message: token to data.</summary>
    public static IReadOnlyDictionary<byte, byte[]> Read(byte[] data)
    {
        var options = new Dictionary<byte, byte[]>();
        for (var at = 0; at < data.Length && data[at] != Terminator; at += 5)
        {
            if (at + 5 > data.Length) throw new InvalidDataException("The PRELOGIN option table is cut short.");
            var offset = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at + 1));
            var length = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at + 3));
            if (offset + length > data.Length) throw new InvalidDataException($"PRELOGIN option 0x{data[at]:x2} points past the end of the message.");
            options[data[at]] = data.AsSpan(offset, length).ToArray();
        }

        return options;
    }

    /// <summary>The server's answer to a client asking <paramref name="client"/> (ENCRYPT_NOT_SUP when it sent no option), [MS-TDS] 2.2.6.5.</summary>
    public static byte Answer(TdsServerEncryption server, byte client) => server switch
    {
        TdsServerEncryption.NotSupported => EncryptNotSupported,
        TdsServerEncryption.Required => client == EncryptOn ? EncryptOn : EncryptRequired,
        _ => client switch
        {
            EncryptOn or EncryptRequired => EncryptOn,
            EncryptOff => EncryptOff,
            _ => EncryptNotSupported,
        },
    };

    /// <summary>The server's PRELOGIN: its version, the encryption answer, a valid instance, MARS off (and FEDAUTHREQUIRED off when the client asked).</summary>
    public static byte[] Response(Version version, byte encryption, bool answerFedAuth)
    {
        var versionData = new byte[6];
        versionData[0] = (byte)version.Major;
        versionData[1] = (byte)version.Minor;
        BinaryPrimitives.WriteUInt16BigEndian(versionData.AsSpan(2), (ushort)version.Build);
        var options = new List<(byte Token, byte[] Data)>
        {
            (Version, versionData),
            (Encryption, [encryption]),
            (InstOpt, [0x00]),
            (ThreadId, []),
            (Mars, [0x00]),
        };
        if (answerFedAuth) options.Add((FedAuthRequired, [0x00]));

        var table = options.Count * 5 + 1;
        var result = new byte[table + options.Sum(o => o.Data.Length)];
        var dataAt = table;
        for (var i = 0; i < options.Count; i++)
        {
            var (token, data) = options[i];
            result[i * 5] = token;
            BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(i * 5 + 1), (ushort)dataAt);
            BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(i * 5 + 3), (ushort)data.Length);
            data.CopyTo(result, dataAt);
            dataAt += data.Length;
        }

        result[options.Count * 5] = Terminator;
        return result;
    }
}
