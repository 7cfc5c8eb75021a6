using System.Security.Cryptography.X509Certificates;
using VmEventOps.Emulators;

namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>
/// The HTTPS emulators' certificate. build.ps1 writes it before the tests start and points SSL_CERT_FILE at a
/// bundle of the system CAs plus this certificate (OpenSSL reads the variable when the process starts, so a
/// test cannot set it itself): clients trust the emulators the standard way.
/// </summary>
internal static class TestTrust
{
    private static readonly Lazy<X509Certificate2> Loaded = new(Load);

    public static X509Certificate2 Certificate => Loaded.Value;

    private static X509Certificate2 Load()
    {
        var directory = Environment.GetEnvironmentVariable("VMEVENTOPSTEST_CERTIFICATES");
        if (string.IsNullOrEmpty(directory) || Environment.GetEnvironmentVariable("SSL_CERT_FILE") is null)
        {
            throw new InvalidOperationException(
                "The HTTPS emulators need their certificate: run build.ps1 -Task Test, or 'dotnet out/emulators/VmEventOps.Emulators.dll certificate <dir>' " +
                "and set VMEVENTOPSTEST_CERTIFICATES=<dir> and SSL_CERT_FILE=<dir>/ca-bundle.crt before 'dotnet test'.");
        }

        return TestCertificate.Load(directory);
    }
}
