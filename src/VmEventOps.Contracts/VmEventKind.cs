namespace VmEventOps;

/// <summary>What happened to the VM, as a rule matches it.</summary>
public enum VmEventKind
{
    /// <summary>Created or updated (ResourceWriteSuccess): onboarding.</summary>
    Created = 1,

    /// <summary>Deleted (ResourceDeleteSuccess): offboarding.</summary>
    Deleted,
}
