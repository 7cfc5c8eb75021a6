using VmEventOps.Engine.Configuration;

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
}
