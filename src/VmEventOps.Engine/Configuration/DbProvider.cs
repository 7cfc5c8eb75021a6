namespace VmEventOps.Engine.Configuration;

/// <summary>The database engine a connection check talks to.</summary>
public enum DbProvider
{
    SqlServer,
    PostgreSql,
    MySql,
    Sqlite,
}
