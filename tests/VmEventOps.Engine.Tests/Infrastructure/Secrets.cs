using System.Security;

namespace VmEventOps.Engine.Tests.Infrastructure;

public static class Secrets
{
    /// <summary>A SecureString holding <paramref name="text"/>, as a PSCredential would.</summary>
    public static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }
}
