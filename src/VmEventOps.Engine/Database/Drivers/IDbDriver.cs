using System.Data.Common;

namespace VmEventOps.Engine.Database.Drivers;

/// <summary>One database engine: how to build its connection (only with its ConnectionStringBuilder) and how to read its failures.</summary>
internal interface IDbDriver
{
    /// <summary>False for file databases (Sqlite): no DNS or TCP stage.</summary>
    bool UsesNetwork { get; }

    /// <summary>Null when the engine takes a password; otherwise why a password can never work with it.</summary>
    string? PasswordRefusal { get; }

    /// <summary>A closed connection, pooling off (a check must really connect), timeouts from <paramref name="connectTimeout"/>.</summary>
    DbConnection Create(DbCheckRequest request, string? password, string? accessToken, int connectTimeout);

    /// <summary>What a failure of the Login or Query stage means.</summary>
    DriverFailure Classify(Exception exception, DbCheckStage stage);
}

/// <summary>A classified driver failure.</summary>
internal sealed record DriverFailure(DbErrorCategory Category, string Message, int? Number = null, byte? Class = null);
