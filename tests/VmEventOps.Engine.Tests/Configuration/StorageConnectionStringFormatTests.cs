using Azure.Storage.Queues;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Tests.Configuration;

/// <summary>
/// The loader's connection string check decides without building a client, so it is held to the client itself: for
/// connection strings made of the names and values the storage SDK knows (valid and not, in any case and order,
/// repeated, missing, with stray parts), it accepts exactly what the queue client (Azure.Storage.Queues) accepts, less
/// the endpoints the module refuses on its own (user information, a scheme other than http or https). What the table
/// client refuses beyond that is refused when it is built, as the same setting error.
/// </summary>
public sealed class StorageConnectionStringFormatTests
{
    // Azurite's documented development account key (public, not a secret).
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly string[] Names =
    [
        "AccountName", "AccountKey", "AccountKeyName", "SharedAccessSignature", "DefaultEndpointsProtocol", "EndpointSuffix",
        "UseDevelopmentStorage", "DevelopmentStorageProxyUri", "BlobEndpoint", "QueueEndpoint", "TableEndpoint", "FileEndpoint",
        "BlobSecondaryEndpoint", "QueueSecondaryEndpoint", "TableSecondaryEndpoint", "FileSecondaryEndpoint",
    ];

    private static readonly string[] Endpoints =
    [
        "http://127.0.0.1:10001/devstoreaccount1", "https://acct.queue.core.windows.net/", "https://acct.table.core.windows.net",
        "http://[::1]:10002/devstoreaccount1", "https://acct-secondary.blob.core.windows.net/", "https://h.example.test/path?x=1",
    ];

    // Values the module refuses in an endpoint although the SDKs take them.
    private static readonly string[] RefusedEndpoints = ["http://u:p@127.0.0.1:1/", "ftp://127.0.0.1/share", "https://@h.example.test/"];

    private static readonly string[] Other =
    [
        string.Empty, " ", "devstoreaccount1", "acct", "bad name", "a/b", "ä", DevelopmentKey, "bm90IGEga2V5", "not base64!", "abc",
        "true", "TRUE", "false", "http", "HTTPS", "ftp", "core.windows.net", "core.chinacloudapi.cn", "bad suffix", "127.0.0.1",
        "sv=2022-11-02&ss=q&sig=abc%3D", "?sv=2022-11-02&sig=x", "not a uri", "http://", "relative/path",
    ];

    private static Gen<string> ValueFor(string name)
    {
        var likely = name switch
        {
            _ when name.EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase) || name == "DevelopmentStorageProxyUri" => Gen.Elements(Endpoints.Concat(RefusedEndpoints).ToArray()),
            "AccountName" => Gen.Elements("devstoreaccount1", "acct", string.Empty, "bad name", "a/b"),
            "AccountKey" => Gen.Elements(DevelopmentKey, "bm90IGEga2V5", "not base64!", "abc", string.Empty),
            "AccountKeyName" => Gen.Elements("key1", string.Empty),
            "SharedAccessSignature" => Gen.Elements("sv=2022-11-02&ss=q&sig=abc%3D", "?sv=2022-11-02&sig=x", string.Empty),
            "DefaultEndpointsProtocol" => Gen.Elements("http", "https", "HTTPS", "ftp", string.Empty),
            "EndpointSuffix" => Gen.Elements("core.windows.net", "core.chinacloudapi.cn", "bad suffix", "127.0.0.1", string.Empty),
            "UseDevelopmentStorage" => Gen.Elements("true", "TRUE", "false"),
            _ => Gen.Elements(Other),
        };
        return Gen.Frequency((12, likely), (1, Gen.Elements(Other.Concat(Endpoints).ToArray())));
    }

    private static Gen<string> NameGen() => Gen.Frequency(
        (12, Gen.Elements(Names)),
        (2, Gen.Elements(Names).Select(n => n.ToLowerInvariant())),
        (1, Gen.Elements("Unknown", " AccountName", "AccountName ", string.Empty, "Endpoint")));

    // Shapes the services document, each then changed by a part added, dropped or doubled.
    private static readonly string[][] Shapes =
    [
        ["UseDevelopmentStorage"],
        ["UseDevelopmentStorage", "DevelopmentStorageProxyUri"],
        ["DefaultEndpointsProtocol", "AccountName", "AccountKey", "EndpointSuffix"],
        ["AccountName", "AccountKey"],
        ["DefaultEndpointsProtocol", "AccountName", "AccountKey", "BlobEndpoint", "QueueEndpoint", "TableEndpoint"],
        ["AccountName", "SharedAccessSignature"],
        ["QueueEndpoint", "TableEndpoint", "SharedAccessSignature"],
        ["QueueEndpoint", "TableEndpoint"],
        ["QueueEndpoint"],
        ["AccountName", "AccountKey", "QueueEndpoint", "QueueSecondaryEndpoint", "TableEndpoint", "TableSecondaryEndpoint"],
        ["AccountName", "AccountKey", "AccountKeyName", "QueueEndpoint", "TableEndpoint"],
    ];

    private static Gen<List<(string Name, string Value)>> Parts() =>
        from shape in Gen.Elements(Shapes)
        from extras in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(1, 2)))
        from extra in NameGen().ArrayOf(extras)
        from drop in Gen.Frequency((3, Gen.Constant(-1)), (1, Gen.Choose(0, shape.Length - 1)))
        let names = shape.Where((_, i) => i != drop).Concat(extra).ToArray()
        from values in Each(names.Select(ValueFor))
        from order in Gen.Shuffle(Enumerable.Range(0, names.Length).ToArray())
        select order.Select(i => (names[i], values[i])).ToList();

    private static Gen<string[]> Each(IEnumerable<Gen<string>> generators) =>
        generators.Aggregate(Gen.Constant(Array.Empty<string>()), (all, next) => from done in all from one in next select done.Append(one).ToArray());

    private static Gen<string> ConnectionStrings() =>
        from parts in Parts()
        from glue in Gen.Frequency((12, Gen.Constant(";")), (1, Gen.Elements(";;", " ;", "; ")))
        from end in Gen.Frequency((6, Gen.Elements(string.Empty, ";")), (1, Gen.Constant(";Stray")))
        select string.Join(glue, parts.Select(p => p.Name + "=" + p.Value)) + end;

    [Property(MaxTest = 3000)]
    public Property IsValid_AnyConnectionStringOfTheKnownParts_ShouldAgreeWithTheStorageClients() =>
        Prop.ForAll(ConnectionStrings().ToArbitrary(), text =>
        {
            var clients = ClientsAccept(text);
            return (StorageConnectionStringFormat.IsValid(text) == clients).Label($"{text} (the clients: {(clients ? "accept" : "refuse")})").Classify(clients, "accepted");
        });

    [Theory]
    // Azurite's documented shapes, the portal's, a signature with explicit endpoints.
    [InlineData("UseDevelopmentStorage=true", true)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + DevelopmentKey + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;", true)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + DevelopmentKey + ";EndpointSuffix=core.windows.net", true)]
    [InlineData("QueueEndpoint=https://acct.queue.core.windows.net;TableEndpoint=https://acct.table.core.windows.net;SharedAccessSignature=sv=2022-11-02&ss=qt&sig=abc", true)]
    [InlineData("AccountName=x;AccountKey=;Nonsense", false)]
    [InlineData("AccountName=acct;AccountKey=not base64!", false)]
    [InlineData("AccountName=acct;AccountKey=" + DevelopmentKey + ";SharedAccessSignature=sv=1&sig=x", false)]
    [InlineData("AccountName=acct;accountname=acct;AccountKey=" + DevelopmentKey, false)]
    [InlineData("UseDevelopmentStorage=false", false)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=" + DevelopmentKey + ";QueueEndpoint=http://u:p@127.0.0.1:1/acct", false)]
    public void IsValid_DocumentedShapes_ShouldAgreeWithTheStorageClients(string text, bool expected)
    {
        Assert.Equal(expected, ClientsAccept(text));
        Assert.Equal(expected, StorageConnectionStringFormat.IsValid(text));
    }

    [Fact]
    public void Tables_AConnectionStringOnlyTheTableClientRefuses_ShouldNameTheSetting()
    {
        // The table client's own parser takes UseDevelopmentStorage only as "true"; the loader lets "TRUE" pass.
        Assert.True(StorageConnectionStringFormat.IsValid("UseDevelopmentStorage=TRUE"));
        var options = new VmEventOptions { StorageConnectionString = "UseDevelopmentStorage=TRUE" };

        var error = Assert.Throws<VmEventOpsException>(() => StorageClients.Tables(options, credential: null));

        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
        Assert.Equal(nameof(VmEventOptions.StorageConnectionString), error.Target);
        Assert.Contains("table client", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Queues_AConnectionStringTheClientRefuses_ShouldNameTheSettingAndNeverQuoteIt()
    {
        // Options built past the loader (a host's own code): the client's refusal becomes the setting's error.
        var options = new VmEventOptions { StorageConnectionString = "AccountName=acct;AccountKey=Pl4nted!Secret" };

        var error = Assert.Throws<VmEventOpsException>(() => StorageClients.Queues(options, credential: null));

        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
        Assert.Equal(nameof(VmEventOptions.StorageConnectionString), error.Target);
        Assert.DoesNotContain("Pl4nted", error.ToString(), StringComparison.Ordinal);
    }

    // The oracle: the queue client takes the string and knows its endpoint, and its endpoints pass the module's own rule.
    private static bool ClientsAccept(string text)
    {
        try
        {
            // A string with other services' endpoints but not the queue's builds a client that has nowhere to go.
            if (new QueueServiceClient(text).Uri is null) return false;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or NullReferenceException)
        {
            return false;
        }

        return !RefusedEndpoints.Any(refused => text.Contains("Endpoint=" + refused, StringComparison.OrdinalIgnoreCase));
    }
}
