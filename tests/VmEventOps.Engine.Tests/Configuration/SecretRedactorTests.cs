using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Tests.Configuration;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=abc/def==;EndpointSuffix=core.windows.net",
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=***;EndpointSuffix=core.windows.net")]
    [InlineData("QueueEndpoint=https://acct.queue.core.windows.net/;SharedAccessSignature=sv=2022-11-02&sig=abc%3D",
        "QueueEndpoint=https://acct.queue.core.windows.net/;SharedAccessSignature=***")]
    [InlineData("Server=db;User ID=sa;Password=\"a;b'c\";Encrypt=true", "Server=db;User ID=sa;Password=***;Encrypt=true")]
    [InlineData("UseDevelopmentStorage=true", "UseDevelopmentStorage=true")]
    public void RedactConnectionString_ShouldMaskKeysAndKeepTheRestAsWritten(string connectionString, string expected) =>
        Assert.Equal(expected, SecretRedactor.RedactConnectionString(connectionString));

    [Fact]
    public void RedactConnectionString_WhenNotAConnectionString_ShouldMaskItWhole() =>
        Assert.Equal("***", SecretRedactor.RedactConnectionString("Password=\"unterminated"));

    [Theory]
    [InlineData("failed with AccountKey=abc123== for acct", "failed with AccountKey=*** for acct")]
    [InlineData("url ?sv=2022&sig=abcDEF%2B1&se=x", "url ?sv=2022&sig=***&se=x")]
    [InlineData("Authorization: Bearer abc.def.ghi", "Authorization: Bearer ***")]
    [InlineData("token eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.sig here", "token *** here")]
    [InlineData("{\"access_token\":\"secretvalue\"}", "{\"access_token\":\"***\"}")]
    [InlineData("export to https://otel:S3cr3t-pw@collector.example:4318/v1", "export to https://***@collector.example:4318/v1")]
    [InlineData("https://collector.example:4318/ and mailto:a@b", "https://collector.example:4318/ and mailto:a@b")]
    public void Redact_ShouldMaskKeyLikePatterns(string text, string expected) =>
        Assert.Equal(expected, SecretRedactor.PatternsOnly.Redact(text));

    [Fact]
    public void Redact_ShouldMaskKnownSecretValuesLongestFirst()
    {
        var redactor = new SecretRedactor(["hunter2", "hunter2-extended", null, "ab"]);

        Assert.Equal("*** and *** and ab", redactor.Redact("hunter2-extended and hunter2 and ab"));
    }

    [Fact]
    public void ForOptions_ShouldKnowEverySecretSettingOfTheCatalogAndTheSecretPartsOfEach()
    {
        var options = new VmEventOptions();
        foreach (var setting in SettingsCatalog.All.Where(s => s.IsSecret))
        {
            setting.Property.SetValue(options, $"Planted-{setting.Name}-value");
        }

        options = options with
        {
            StorageConnectionString = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Planted-Account-Key==;EndpointSuffix=core.windows.net",
            OtlpHeaders = "x-api-key=Planted-Header-Key,other=visible-value",
        };
        var redactor = SecretRedactor.ForOptions(options);

        foreach (var setting in SettingsCatalog.All.Where(s => s.IsSecret && s.Name is not "StorageConnectionString" and not "OtlpHeaders"))
        {
            Assert.Equal("failed with ***.", redactor.Redact($"failed with Planted-{setting.Name}-value."));
        }

        Assert.Equal("storage said *** is wrong", redactor.Redact("storage said Planted-Account-Key== is wrong"));
        Assert.Equal("the collector refused *** (other=visible-value)", redactor.Redact("the collector refused Planted-Header-Key (other=visible-value)"));
    }

    [Fact]
    public void Redact_AnExceptionChainHoldingASecret_ShouldGiveACopyWithEveryMessageMaskedAndTheIdsKept()
    {
        var redactor = new SecretRedactor(["Planted-Secret-Value-77"]);
        var inner = new InvalidOperationException("the driver said Planted-Secret-Value-77 and https://u:pw-in-uri@host.example/");
        var outer = new VmEventOpsException("VmDbCheckFailed", VmErrorCategory.ConnectionError, "check failed: Planted-Secret-Value-77", "vm-1", inner)
        {
            IsTransient = true,
            RetryAfter = TimeSpan.FromSeconds(3),
        };

        var shown = Assert.IsType<VmEventOpsException>(redactor.Redact((Exception)outer));

        Assert.Equal("VmDbCheckFailed", shown.ErrorId);
        Assert.Equal(VmErrorCategory.ConnectionError, shown.Category);
        Assert.Equal("vm-1", shown.Target);
        Assert.True(shown.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(3), shown.RetryAfter);
        Assert.Equal("check failed: ***", shown.Message);
        var copy = Assert.IsType<RedactedException>(shown.InnerException);
        Assert.Equal(typeof(InvalidOperationException).FullName, copy.OriginalType);
        Assert.DoesNotContain("Planted-Secret-Value-77", shown.ToString());
        Assert.DoesNotContain("pw-in-uri", shown.ToString());
        Assert.Contains("InvalidOperationException", shown.ToString());
    }

    [Fact]
    public void Redact_AnExceptionWithoutSecrets_ShouldGiveTheSameInstance()
    {
        var exception = new VmEventOpsException("VmNotFound", VmErrorCategory.ObjectNotFound, "no such VM", inner: new IOException("gone"));

        Assert.Same(exception, new SecretRedactor(["Planted-Secret-Value-77"]).Redact((Exception)exception));
    }

    [Theory]
    [InlineData("https://user:Planted-Pw@host.example/x", "https://***@host.example/x")]
    [InlineData("https://:Planted-Pw@host.example/", "https://***@host.example/")]
    [InlineData("https://Planted-Token@host.example/", "https://***@host.example/")]
    [InlineData("line\r\nforged line", "line??forged line")]
    public void Quote_ShouldMaskUserInformationAndControlCharacters(string text, string quoted) =>
        Assert.Equal(quoted, SecretRedactor.Quote(text.Replace("\\r", "\r").Replace("\\n", "\n")));

    [Fact]
    public void Quote_OfALongUriWithUserInformation_ShouldMaskItBeforeCuttingIt()
    {
        var quoted = SecretRedactor.Quote("https://admin:" + new string('p', 100) + "@host.example/");

        Assert.Equal("https://***@host.example/", quoted);
    }
}
