using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// The secrets an error text of the workflow must never carry: every secret value of the settings, and those read later
/// (a database password read again from Key Vault after its rotation). Thread-safe: the redactor is replaced whole, never edited.
/// </summary>
public sealed class KnownSecrets(SecretRedactor redactor)
{
    private SecretRedactor _redactor = redactor;

    /// <summary>The text with every known secret (and the patterns of secrets) masked.</summary>
    public string Redact(string text) => Volatile.Read(ref _redactor).Redact(text);

    /// <summary>Masks <paramref name="secret"/> from now on.</summary>
    public void Learn(string? secret)
    {
        while (true)
        {
            var current = Volatile.Read(ref _redactor);
            if (secret is not { Length: >= 4 } || current.Redact(secret) != secret) return;
            if (Interlocked.CompareExchange(ref _redactor, current.With([secret]), current) == current) return;
        }
    }
}
