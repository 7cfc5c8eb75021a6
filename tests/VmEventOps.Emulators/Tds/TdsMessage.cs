namespace VmEventOps.Emulators.Tds;

/// <summary>One message of the client: the type of its packets and their data put together ([MS-TDS] 2.2.1).</summary>
internal sealed record TdsMessage(byte Type, byte[] Data);
