using System.Text.Json;
using Azure.Core;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Arm;

// Pageable ARM lists: {"value": [...], "nextLink": "https://<ARM endpoint>/...&$skiptoken=..."}, the last page with no nextLink.
public sealed partial class ArmGateway
{
    /// <summary>
    /// Reads a pageable list to its end: the first page at <paramref name="path"/>, then each page the previous one's nextLink
    /// names, handing every item to <paramref name="onItem"/>; returns how many there were. At most ArmMaxPages pages, and no
    /// further page once the invocation's deadline has passed: a list cut there says so in a warning, its items read so far
    /// kept. A nextLink that is not on the ARM endpoint is not followed (the bearer token would go with it): that is
    /// VmArmRequestFailed, after the items of the pages before it.
    /// </summary>
    private async Task<int> ReadListAsync(string path, string apiVersion, string? filter, string what, object target, string role, Action<JsonElement> onItem, CancellationToken cancellationToken)
    {
        Uri? next = null;
        var items = 0;
        for (var pages = 1; ; pages++)
        {
            using var message = await SendAsync(RequestMethod.Get, path, apiVersion, body: null, what, target, cancellationToken, query: filter, page: next).ConfigureAwait(false);
            var response = message.Response;
            if (response.Status != 200) throw ArmFailure.From(response, what, target, role);
            using var document = JsonDocument.Parse(response.Content.ToMemory());
            var root = document.RootElement;
            if (root.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in value.EnumerateArray())
                {
                    onItem(item);
                    items++;
                }
            }

            var link = Text(root, "nextLink");
            if (string.IsNullOrEmpty(link)) return items;
            if (pages >= _options.Arm.ArmMaxPages)
            {
                _log.Warning($"{what}: read {items} record(s) in {pages} page(s), the most ArmMaxPages ({_options.Arm.ArmMaxPages}) allows; the rest of the list is not read.");
                return items;
            }

            if (_budget.Remaining(DateTimeOffset.UtcNow) is { } left && left <= TimeSpan.Zero)
            {
                _log.Warning($"{what}: read {items} record(s) in {pages} page(s) when the time left in this invocation ran out; the rest of the list is not read.");
                return items;
            }

            next = NextPage(link, what, target);
        }
    }

    // Only a link to the ARM endpoint itself (https, same host and port) is followed; a relative one is taken as on it.
    private Uri NextPage(string link, string what, object target)
    {
        var endpoint = _options.Arm.ArmEndpoint;
        if (link.StartsWith('/') && !link.StartsWith("//", StringComparison.Ordinal)) link = new Uri(endpoint, link).AbsoluteUri;
        if (Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            && string.Equals(uri.Host, endpoint.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == endpoint.Port)
        {
            return uri;
        }

        throw new VmEventOpsException(ErrorIds.ArmRequestFailed, VmErrorCategory.InvalidResult,
            $"{what}: the link to the next page (nextLink) is not on the ARM endpoint {endpoint.Host}, so it is not followed (the bearer token goes to no other host); the list is read up to there.", target);
    }
}
