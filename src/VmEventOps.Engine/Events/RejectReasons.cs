namespace VmEventOps.Engine.Events;

/// <summary>Machine-readable reasons the filter rejects an event. Part of the public contract.</summary>
public static class RejectReasons
{
    /// <summary>Not a ResourceWriteSuccess for Microsoft.Compute/virtualMachines/write, nor a ResourceDeleteSuccess for its delete.</summary>
    public const string NotVmWrite = "NotVmWrite";

    /// <summary>The write did not succeed.</summary>
    public const string NotSucceeded = "NotSucceeded";

    /// <summary>The resource is not exactly a VM (a child resource, another type, a malformed ID).</summary>
    public const string NotAVirtualMachine = "NotAVirtualMachine";

    /// <summary>The VM lies outside every allowed scope.</summary>
    public const string OutOfScope = "OutOfScope";

    /// <summary>No allowed scope is configured (a read-only cmdlet looking anyway): nothing can be accepted.</summary>
    public const string ScopeNotConfigured = "ScopeNotConfigured";

    /// <summary>The message could not be read as an event; the detail follows the colon.</summary>
    public const string MalformedPrefix = "Malformed:";

    /// <summary>A malformed-message reason with its detail.</summary>
    public static string Malformed(string detail) => MalformedPrefix + detail;
}
