using System.Text;

namespace VmEventOps.Emulators.Tds;

/// <summary>
/// Writes the tokens of a tabular result ([MS-TDS] 2.2.7), little-endian: LOGINACK, ENVCHANGE, INFO and ERROR, DONE,
/// COLMETADATA and ROW. B_VARCHAR is a byte count of characters then UCS-2; US_VARCHAR the same with a 2-byte count.
/// </summary>
internal sealed class TdsTokenWriter : IDisposable
{
    private const byte LoginAckToken = 0xAD;
    private const byte EnvChangeToken = 0xE3;
    private const byte InfoToken = 0xAB;
    private const byte ErrorToken = 0xAA;
    private const byte DoneToken = 0xFD;
    private const byte ColMetadataToken = 0x81;
    private const byte RowToken = 0xD1;

    /// <summary>The collation of SQL_Latin1_General_CP1_CI_AS: LCID 0x0409, ignore case, kana and width, sort id 52.</summary>
    public static readonly byte[] DefaultCollation = [0x09, 0x04, 0xD0, 0x00, 0x34];

    public const ushort DoneFinal = 0x0000;
    public const ushort DoneError = 0x0002;
    public const ushort DoneCount = 0x0010;
    public const ushort DoneAttention = 0x0020;

    public const ushort CommandSelect = 0x00C1;

    private readonly MemoryStream _buffer = new();
    private readonly BinaryWriter _writer;

    public TdsTokenWriter() => _writer = new BinaryWriter(_buffer, Encoding.Unicode, leaveOpen: true);

    public byte[] ToArray()
    {
        _writer.Flush();
        return _buffer.ToArray();
    }

    /// <summary>LOGINACK: interface T-SQL, the TDS version (sent big-endian, [MS-TDS] 2.2.7.14), the program name and version.</summary>
    public TdsTokenWriter LoginAck(uint tdsVersion, Version version)
    {
        var body = Body(w =>
        {
            w.Write((byte)1);
            w.Write([(byte)(tdsVersion >> 24), (byte)(tdsVersion >> 16), (byte)(tdsVersion >> 8), (byte)tdsVersion]);
            BVarChar(w, "Microsoft SQL Server");
            w.Write([(byte)version.Major, (byte)version.Minor, (byte)(version.Build >> 8), (byte)version.Build]);
        });
        _writer.Write(LoginAckToken);
        _writer.Write((ushort)body.Length);
        _writer.Write(body);
        return this;
    }

    /// <summary>ENVCHANGE with text values: 1 database, 2 language, 4 packet size.</summary>
    public TdsTokenWriter EnvChange(byte type, string newValue, string oldValue) => EnvChange(type, w =>
    {
        BVarChar(w, newValue);
        BVarChar(w, oldValue);
    });

    /// <summary>ENVCHANGE 7: the server's default collation (B_VARBYTE new, empty old).</summary>
    public TdsTokenWriter CollationChange(byte[] collation) => EnvChange(7, w =>
    {
        w.Write((byte)collation.Length);
        w.Write(collation);
        w.Write((byte)0);
    });

    public TdsTokenWriter Info(int number, byte state, byte @class, string message, string server) => Message(InfoToken, number, state, @class, message, server);

    public TdsTokenWriter Error(int number, byte state, byte @class, string message, string server) => Message(ErrorToken, number, state, @class, message, server);

    /// <summary>DONE ([MS-TDS] 2.2.7.6): status, current command, and an 8-byte row count (TDS 7.2 and later).</summary>
    public TdsTokenWriter Done(ushort status, ushort command = 0, long rows = 0)
    {
        _writer.Write(DoneToken);
        _writer.Write(status);
        _writer.Write(command);
        _writer.Write(rows);
        return this;
    }

    /// <summary>A one-column result of an int that cannot be null (INT4, type 0x38), as <c>SELECT 1</c> gives.</summary>
    public TdsTokenWriter IntResult(string column, int value)
    {
        ColumnHeader(column, flags: 0x0000, w => w.Write((byte)0x38));
        _writer.Write(RowToken);
        _writer.Write(value);
        return this;
    }

    /// <summary>
    /// A one-column result of a sql_variant (type 0x62, max length 8009) holding an nvarchar(128), as
    /// <c>SERVERPROPERTY</c> gives: the value's length, base type 0xE7, 7 property bytes (collation, max length), UCS-2.
    /// </summary>
    public TdsTokenWriter VariantNVarCharResult(string column, string value)
    {
        ColumnHeader(column, flags: 0x0001, w =>
        {
            w.Write((byte)0x62);
            w.Write(8009);
        });
        var text = Encoding.Unicode.GetBytes(value);
        _writer.Write(RowToken);
        _writer.Write(2 + 7 + text.Length);
        _writer.Write((byte)0xE7);
        _writer.Write((byte)7);
        _writer.Write(DefaultCollation);
        _writer.Write((ushort)256);
        _writer.Write(text);
        return this;
    }

    private void ColumnHeader(string column, ushort flags, Action<BinaryWriter> typeInfo)
    {
        _writer.Write(ColMetadataToken);
        _writer.Write((ushort)1);
        _writer.Write(0); // UserType
        _writer.Write(flags);
        typeInfo(_writer);
        BVarChar(_writer, column);
    }

    private TdsTokenWriter EnvChange(byte type, Action<BinaryWriter> values)
    {
        var body = Body(w =>
        {
            w.Write(type);
            values(w);
        });
        _writer.Write(EnvChangeToken);
        _writer.Write((ushort)body.Length);
        _writer.Write(body);
        return this;
    }

    private TdsTokenWriter Message(byte token, int number, byte state, byte @class, string message, string server)
    {
        var body = Body(w =>
        {
            w.Write(number);
            w.Write(state);
            w.Write(@class);
            w.Write((ushort)message.Length);
            w.Write(Encoding.Unicode.GetBytes(message));
            BVarChar(w, server);
            BVarChar(w, string.Empty); // procedure name
            w.Write(1); // line number
        });
        _writer.Write(token);
        _writer.Write((ushort)body.Length);
        _writer.Write(body);
        return this;
    }

    private static byte[] Body(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.Unicode, leaveOpen: true)) write(writer);
        return stream.ToArray();
    }

    private static void BVarChar(BinaryWriter writer, string value)
    {
        writer.Write((byte)value.Length);
        writer.Write(Encoding.Unicode.GetBytes(value));
    }

    public void Dispose()
    {
        _writer.Dispose();
        _buffer.Dispose();
    }
}
