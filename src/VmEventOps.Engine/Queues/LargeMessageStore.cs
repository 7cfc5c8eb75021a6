using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Queues;

/// <summary>
/// The claim check of the workflow's queues: an original message too large to travel inside an envelope (a queue
/// message holds 64 KiB) is kept as a blob in a container of the same storage account, named by the SHA-256 of its
/// UTF-8 bytes. The same original is stored once however often it is wrapped, and a reader checks that what it got is
/// what the name promises, so a blob replaced behind our back is never taken for the event. Blobs are never deleted
/// here: a message in poison or succeeded may still point at one.
/// </summary>
public sealed class LargeMessageStore
{
    private readonly BlobContainerClient _container;

    // Containers known to exist (the composition root shares it per account); a failed creation is forgotten, so the next call tries again.
    private readonly ConcurrentDictionary<string, Task> _created;

    internal LargeMessageStore(BlobContainerClient container, ConcurrentDictionary<string, Task>? created = null)
    {
        _container = container;
        _created = created ?? new(StringComparer.Ordinal);
    }

    /// <summary>The container's name.</summary>
    public string ContainerName => _container.Name;

    /// <summary>The blob name of an original: the lower-case hex SHA-256 of its UTF-8 bytes.</summary>
    public static string NameOf(string original) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(original))).ToLowerInvariant();

    /// <summary>Stores an original (once: an existing blob of the same name holds the same bytes) and returns its name.</summary>
    public async Task<string> PutAsync(string original, CancellationToken cancellationToken)
    {
        var name = NameOf(original);
        await EnsureExistsAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlobClient(name);
        try
        {
            await blob.UploadAsync(BinaryData.FromString(original), overwrite: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 409 })
        {
            // Stored before (an earlier attempt, a duplicate): the name is the content's hash, so it is the same original.
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Storing a large message in container {_container.Name}", _container.Name);
        }

        return name;
    }

    /// <summary>The original stored as <paramref name="name"/>; null when there is no such blob or its content does not match its name.</summary>
    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (!MessageEnvelope.IsBlobName(name)) return null;
        try
        {
            var content = await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var text = content.Value.Content.ToString();
            return string.Equals(NameOf(text), name, StringComparison.Ordinal) ? text : null;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { Status: 404 })
        {
            return null;
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Reading a large message from container {_container.Name}", name);
        }
    }

    private async Task EnsureExistsAsync(CancellationToken cancellationToken)
    {
        var key = _container.Uri.AbsoluteUri;
        var creation = _created.GetOrAdd(key, _ => _container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: CancellationToken.None));
        try
        {
            await creation.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || creation.IsFaulted)
        {
            _created.TryRemove(new KeyValuePair<string, Task>(key, creation));
            if (AzureFailure.AsRequestFailure(e) is { } failure)
            {
                throw AzureFailure.From(failure, ErrorIds.StorageRequestFailed, $"Creating container {_container.Name}", _container.Name);
            }

            throw;
        }
    }
}
