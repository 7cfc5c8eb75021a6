using System.Security.Cryptography;
using System.Text;

namespace VmEventOps.Engine.Arm;

/// <summary>
/// Job names derived from what they are for: the same VM and runbook always give the same GUID (RFC 4122
/// version 5, SHA-1 in a namespace of our own), so a repeated start finds the job instead of starting another.
/// </summary>
public static class RunbookJobNames
{
    private static readonly Guid Namespace = new("6f1f5b8e-1d8c-4b9a-9a57-0c6a3f1f0e2d");

    /// <summary>The job name for onboarding the VM with this immutable id by this runbook.</summary>
    public static Guid ForVm(Guid vmId, string runbookName) => Create($"{vmId:D}/{runbookName.ToLowerInvariant()}");

    // RFC 4122 defines name-based (version 5) UUIDs on SHA-1: a deterministic name, not a security use.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "UUID version 5 is defined on SHA-1.")]
    private static Guid Create(string name)
    {
        Span<byte> namespaceBytes = stackalloc byte[16];
        Namespace.TryWriteBytes(namespaceBytes, bigEndian: true, out _);
        var input = new byte[16 + Encoding.UTF8.GetByteCount(name)];
        namespaceBytes.CopyTo(input);
        Encoding.UTF8.GetBytes(name, input.AsSpan(16));
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
