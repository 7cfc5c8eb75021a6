using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace VmEventOps.Emulators.Tds;

/// <summary>How a <see cref="TdsEmulator"/> behaves: its logins and databases, its encryption, and the faults it is told to show.</summary>
public sealed record TdsEmulatorOptions
{
    /// <summary>SQL logins: user name to password (compared exactly, as SQL Server compares passwords).</summary>
    public IReadOnlyDictionary<string, string> Logins { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Databases that exist (names compared without regard to case, as under a case-insensitive server collation); master always does.</summary>
    public IReadOnlyCollection<string> Databases { get; init; } = [];

    /// <summary>The loopback address to listen on: 127.0.0.1, or another of 127.0.0.0/8 to be a server the certificate does not name.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    public TdsServerEncryption Encryption { get; init; } = TdsServerEncryption.Supported;

    /// <summary>The server certificate; needed unless <see cref="Encryption"/> is NotSupported.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>TDS 8 (SQL Server 2022 and later): a client that starts with a TLS handshake is served TLS first. A server without it closes such a connection, as SQL Server 2019 does.</summary>
    public bool Tds8 { get; init; }

    /// <summary>The version SERVERPROPERTY('ProductVersion') answers and LOGINACK carries (SQL Server 2022 CU by default).</summary>
    public Version ProductVersion { get; init; } = new(16, 0, 4135, 4);

    /// <summary>A server that keeps running a batch after the client's attention (cancel) and never acknowledges it.</summary>
    public bool IgnoreAttention { get; init; }

    /// <summary>A server that answers PRELOGIN and then never answers the LOGIN7: a hang during login.</summary>
    public bool StallAtLogin { get; init; }

    /// <summary>A server that logs the client in and then never answers a batch: a stall after login.</summary>
    public bool StallAfterLogin { get; init; }
}
