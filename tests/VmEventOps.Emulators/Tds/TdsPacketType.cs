namespace VmEventOps.Emulators.Tds;

/// <summary>The packet header types of [MS-TDS] 2.2.3.1.1 the emulator reads and writes.</summary>
internal static class TdsPacketType
{
    public const byte SqlBatch = 0x01;
    public const byte TabularResult = 0x04;
    public const byte Attention = 0x06;
    public const byte Login7 = 0x10;
    public const byte PreLogin = 0x12;
}
