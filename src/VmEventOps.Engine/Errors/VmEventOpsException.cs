namespace VmEventOps.Engine.Errors;

/// <summary>
/// A failure with a stable error id and category. The message never contains a secret: it is
/// written by the engine with values it knows are safe (see <see cref="Configuration.SecretRedactor"/>).
/// </summary>
public sealed class VmEventOpsException : Exception
{
    public VmEventOpsException(string errorId, VmErrorCategory category, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
    }

    /// <summary>One of <see cref="ErrorIds"/>.</summary>
    public string ErrorId { get; }

    /// <summary>The PowerShell error category to report.</summary>
    public VmErrorCategory Category { get; }

    /// <summary>What the error is about (a file path, a setting name, a resource id); never a secret.</summary>
    public object? Target { get; }

    /// <summary>True when trying again later may succeed (a NIC still provisioning, a throttled or failing service).</summary>
    public bool IsTransient { get; init; }

    /// <summary>How long the service asked to wait (its Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
