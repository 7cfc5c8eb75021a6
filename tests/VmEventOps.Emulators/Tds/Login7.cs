using System.Buffers.Binary;
using System.Text;

namespace VmEventOps.Emulators.Tds;

/// <summary>
/// The parts of a LOGIN7 message ([MS-TDS] 2.2.6.4) a login decision needs. The fixed part holds, from byte 36, pairs
/// of offset and length (in characters) of UCS-2 strings: host name, user name, password, application name, server
/// name, the extension, client interface name, language, database. The password is obfuscated: each byte had its
/// nibbles swapped and was XORed with 0xA5.
/// </summary>
internal sealed record Login7(uint TdsVersion, int PacketSize, string HostName, string UserName, string Password, string AppName, string ServerName, string Database)
{
    private const int FixedLength = 94;

    public static Login7 Read(byte[] data)
    {
        if (data.Length < FixedLength) throw new InvalidDataException($"A LOGIN7 of {data.Length} bytes is shorter than its fixed part ({FixedLength}).");
        string Text(int at, bool obfuscated = false)
        {
            var offset = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at));
            var chars = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at + 2));
            if (chars == 0) return string.Empty;
            if (offset + chars * 2 > data.Length) throw new InvalidDataException($"A LOGIN7 string at byte {at} points past the end of the message.");
            var bytes = data.AsSpan(offset, chars * 2).ToArray();
            if (obfuscated)
            {
                for (var i = 0; i < bytes.Length; i++)
                {
                    var b = bytes[i] ^ 0xA5;
                    bytes[i] = (byte)(((b & 0x0F) << 4) | (b >> 4));
                }
            }

            return Encoding.Unicode.GetString(bytes);
        }

        return new Login7(
            BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(4)),
            BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(8)),
            Text(36), Text(40), Text(44, obfuscated: true), Text(48), Text(52), Text(68));
    }
}
