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
}
