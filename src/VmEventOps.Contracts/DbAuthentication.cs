namespace VmEventOps;

/// <summary>How a check logs in.</summary>
public enum DbAuthentication
{
    /// <summary>User name and password.</summary>
    Password,

    /// <summary>SQL Server: a Microsoft Entra token from the module's identity (resource https://database.windows.net/).</summary>
    ManagedIdentity,

    /// <summary>SQL Server: a token passed in (AccessToken setting), handed to the driver, never pasted as text.</summary>
    AccessToken,
}
