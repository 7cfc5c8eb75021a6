namespace VmEventOps.Emulators.Tds;

/// <summary>A LOGIN7 the emulator received (never its password), how the connection was encrypted, and the answer.</summary>
/// <param name="Encryption">None, LoginOnly (the login packet only), Session (TDS 7.x TLS for the whole session) or TlsFirst (TDS 8).</param>
public sealed record TdsLoginRecord(string UserName, string Database, string AppName, string ServerName, uint TdsVersion, string Encryption, bool Accepted);
