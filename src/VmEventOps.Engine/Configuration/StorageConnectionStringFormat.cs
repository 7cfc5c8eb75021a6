using System.Data.Common;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// Whether a storage connection string is one the Azure Storage SDKs read: their own parsers decide (a client built from
/// it opens no connection), so the loader refuses what the queue or table client would later throw on.
/// </summary>
internal static class StorageConnectionStringFormat
{
    public static bool IsValid(string connectionString)
    {
        if (!EndpointsAreValid(connectionString)) return false;
        try
        {
            _ = new QueueServiceClient(connectionString);
            _ = new TableServiceClient(connectionString);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // FormatException, ArgumentException, InvalidOperationException, ...: the exception's text may quote the
            // connection string, so only the answer leaves here.
            return false;
        }
    }

    private static bool EndpointsAreValid(string connectionString)
    {
        DbConnectionStringBuilder parts;
        try
        {
            parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            return false;
        }

        foreach (string key in parts.Keys)
        {
            if (!key.EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase) && !key.EndsWith("SecondaryEndpoint", StringComparison.OrdinalIgnoreCase)) continue;
            var value = parts[key] as string;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var endpoint)) return false;
            if (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps) return false;
            if (!string.IsNullOrEmpty(endpoint.UserInfo) || string.IsNullOrEmpty(endpoint.Host) || value!.Contains('@', StringComparison.Ordinal)) return false;
        }

        return true;
    }
}
