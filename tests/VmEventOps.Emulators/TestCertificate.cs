using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VmEventOps.Emulators;

/// <summary>
/// A self-signed certificate for 127.0.0.1 and localhost, and a trust bundle (the system's CA bundle
/// plus this certificate) for <c>SSL_CERT_FILE</c>: clients trust the emulators the standard way, and
/// product code never turns certificate checks off.
/// </summary>
public static class TestCertificate
{
    private const string SystemBundle = "/etc/ssl/certs/ca-certificates.crt";

    public static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=VmEventOps test emulator", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Round-trip through PKCS#12 so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The file names <see cref="WriteFiles"/> uses.</summary>
    public const string PfxName = "emulator.pfx";
    public const string BundleName = "ca-bundle.crt";

    /// <summary>
    /// Writes a new certificate (PKCS#12) and its trust bundle into <paramref name="directory"/>. OpenSSL reads
    /// SSL_CERT_FILE when a process starts, so the files must exist before the processes that trust them.
    /// </summary>
    public static void WriteFiles(string directory)
    {
        using var certificate = Create();
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, PfxName), certificate.Export(X509ContentType.Pkcs12));
        WriteTrustBundle(certificate, directory);
    }

    /// <summary>Loads the certificate <see cref="WriteFiles"/> wrote.</summary>
    public static X509Certificate2 Load(string directory) => X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(directory, PfxName), null);

    /// <summary>Writes the system CA bundle plus <paramref name="certificate"/> to a file for SSL_CERT_FILE; returns its path.</summary>
    public static string WriteTrustBundle(X509Certificate2 certificate, string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, BundleName);
        var system = File.Exists(SystemBundle) ? File.ReadAllText(SystemBundle) : string.Empty;
        File.WriteAllText(path, system + Environment.NewLine + certificate.ExportCertificatePem() + Environment.NewLine);
        return path;
    }
}
