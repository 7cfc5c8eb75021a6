using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace VmEventOps.Engine.Database.Drivers;

/// <summary>
/// What the TLS layer said about the server's certificate during one check, for drivers whose errors do not say it
/// (Npgsql and MySqlConnector answer "rejected by the callback"): the driver is given <see cref="Validator"/> as its
/// certificate callback, which decides as full verification does (a trusted chain and the right name) and remembers why
/// a certificate failed.
/// </summary>
internal sealed class TlsObservation
{
    private int _errors = -1;

    /// <summary>The policy errors of the last certificate seen; null when none was seen.</summary>
    public SslPolicyErrors? Errors => Volatile.Read(ref _errors) is var errors and >= 0 ? (SslPolicyErrors)errors : null;

    /// <summary>A callback that accepts a certificate only when its chain is trusted and it names the server.</summary>
    public RemoteCertificateValidationCallback Validator => Validate;

    /// <summary>Why the certificate was refused; null when it was not (or none was seen).</summary>
    public DbTlsProblem? Problem => Errors switch
    {
        null or SslPolicyErrors.None => null,
        var e when e.Value.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors) => DbTlsProblem.UntrustedCertificate,
        var e when e.Value.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) => DbTlsProblem.NameMismatch,
        _ => DbTlsProblem.CertificateRejected,
    };

    /// <summary>True when the certificate also names another server than asked for (reported beside an untrusted chain).</summary>
    public bool NameAlsoMismatched => Errors is { } e && e.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch);

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        Volatile.Write(ref _errors, (int)errors);
        return errors == SslPolicyErrors.None;
    }
}
