using System.Net;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// Whether a host may receive a token: it lies under one of a service's own domains, or an entry of an allow-list setting
/// names it (<c>host</c>, <c>*.domain</c>, either with <c>:port</c>). A loopback host is never under a service's domain
/// and matches only an entry that names it exactly, so an emulator is trusted only where a setting says so.
/// </summary>
internal static class HostAllowList
{
    /// <summary>True when <paramref name="uri"/>'s host is a proper subdomain of one of <paramref name="suffixes"/> (not loopback).</summary>
    public static bool IsUnder(Uri uri, IEnumerable<string> suffixes)
    {
        if (IsLoopback(uri) || uri.HostNameType != UriHostNameType.Dns) return false;
        var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        return suffixes.Any(suffix => host.EndsWith("." + suffix.Trim('.').ToLowerInvariant(), StringComparison.Ordinal));
    }

    /// <summary>True when an entry of <paramref name="entries"/> names <paramref name="uri"/>'s host (and port, when the entry has one).</summary>
    public static bool IsListed(Uri uri, IEnumerable<string> entries)
    {
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.ToLowerInvariant() : uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        foreach (var entry in entries)
        {
            var (pattern, port) = Split(entry.Trim().ToLowerInvariant());
            if (port is { } wanted && wanted != uri.Port) continue;
            if (pattern.StartsWith("*.", StringComparison.Ordinal))
            {
                if (uri.HostNameType == UriHostNameType.Dns && !IsLoopback(uri) && host.EndsWith(pattern[1..], StringComparison.Ordinal)) return true;
            }
            else if (string.Equals(host, pattern.TrimEnd('.'), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for an address of this machine (localhost, 127.0.0.0/8, ::1).</summary>
    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    // "host", "host:port", "[::1]:port".
    private static (string Host, int? Port) Split(string entry)
    {
        var colon = entry.LastIndexOf(':');
        var closing = entry.LastIndexOf(']');
        if (colon < 0 || colon < closing) return (entry, null);
        return int.TryParse(entry[(colon + 1)..], out var port) ? (entry[..colon], port) : (entry, null);
    }
}
