namespace VmEventOps;

/// <summary>The database engine a connection check talks to.</summary>
public enum DbProvider
{
    /// <summary>SQL Server and Azure SQL, through Microsoft.Data.SqlClient.</summary>
    SqlServer,
    /// <summary>PostgreSQL, through Npgsql.</summary>
    PostgreSql,
    /// <summary>MySQL and MariaDB, through MySqlConnector.</summary>
    MySql,
    /// <summary>A SQLite file, through Microsoft.Data.Sqlite (no server, no password).</summary>
    Sqlite,
}
