using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Caching;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Hosting;

/// <summary>
/// What one identity and one set of endpoints share in a process, built once (see <see cref="EngineHostRegistry"/>): the
/// credential with its token cache, every SDK client, the ARM pipeline, the Automation job pacers, the Key Vault clients
/// and the caches of queues and containers known to exist. Each part is built on first use; a part that could not be built
/// is not kept (settings corrected in the same process are tried again). Many runspaces use a host at once: it carries no
/// invocation's state.
/// </summary>
internal sealed class EngineHost(VmEventOptions options)
{
    private readonly object _gate = new();
    private TokenProvider? _tokens;
    private QueueServiceClient? _queues;
    private TableServiceClient? _tables;
    // Two fields, not a tuple: a value-tuple field of an SDK type loads that SDK with the host (every cmdlet), blobs or not.
    private BlobServiceClient? _blobs;
    private bool _blobsBuilt;
    private HttpPipeline? _arm;

    /// <summary>The settings this host was built from (only its identity and endpoint settings matter to it).</summary>
    public VmEventOptions Options { get; } = options;

    /// <summary>When the host was last asked for (the registry evicts the longest unused).</summary>
    public long LastUsed { get; set; }

    /// <summary>The identity's credential and token cache.</summary>
    public TokenProvider Tokens => Part(ref _tokens, () => EngineHostRegistry.TokensFor(Options));

    /// <summary>The credential storage clients use: none with a connection string (it carries its own key), else the identity's.</summary>
    public TokenCredential? StorageCredential => string.IsNullOrWhiteSpace(Options.Storage.StorageConnectionString) ? Tokens.Credential : null;

    public QueueServiceClient QueueService => Part(ref _queues, () => Counted(StorageClients.Queues(Options, StorageCredential)));

    public TableServiceClient TableService => Part(ref _tables, () => Counted(StorageClients.Tables(Options, StorageCredential)));

    /// <summary>The blob service of the account, or null when the settings do not say where it is (see <see cref="StorageClients.Blobs"/>).</summary>
    public BlobServiceClient? BlobService
    {
        get
        {
            lock (_gate)
            {
                if (!_blobsBuilt)
                {
                    _blobs = StorageClients.Blobs(Options, StorageCredential) is { } client ? Counted(client) : null;
                    _blobsBuilt = true;
                }

                return _blobs;
            }
        }
    }

    /// <summary>The ARM pipeline: bearer tokens of the identity for the ARM audience, the retry policy within each request's budget.</summary>
    public HttpPipeline ArmPipeline => Part(ref _arm, () =>
    {
        // ARM tokens go only to the cloud's Resource Manager (or a listed host), for an ARM audience.
        TokenTargetPolicy.RequireArm(Options);
        var tokens = Tokens;
        return Counted(ArmGateway.BuildPipeline(tokens.Credential, TokenProvider.ScopeFor(tokens.AudienceFor(TokenResourceType.Arm))));
    });

    /// <summary>Queues, tables and blob containers known to exist: created on first use, once (a failed creation is tried again).</summary>
    public CreatedOnce CreatedQueues { get; } = new();

    public CreatedOnce CreatedTables { get; } = new();

    public ConcurrentDictionary<string, Task> CreatedContainers { get; } = new(StringComparer.Ordinal);

    private T Part<T>(ref T? field, Func<T> build) where T : class
    {
        if (Volatile.Read(ref field) is { } built) return built;
        lock (_gate)
        {
            return field ??= build();
        }
    }

    private static T Counted<T>(T client)
    {
        EngineHostRegistry.CountClient();
        return client;
    }
}
