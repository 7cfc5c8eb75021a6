namespace VmEventOps;

/// <summary>The services the module asks tokens for.</summary>
public enum TokenResourceType
{
    /// <summary>Azure Resource Manager (VMs, NICs, Automation jobs): the ArmAudience setting.</summary>
    Arm,

    /// <summary>Azure Storage (queues and tables).</summary>
    Storage,

    /// <summary>Azure Key Vault.</summary>
    KeyVault,

    /// <summary>Azure SQL Database.</summary>
    Sql,

    /// <summary>Azure Automation's own endpoint (hybrid workers, webhooks).</summary>
    Automation,
}
