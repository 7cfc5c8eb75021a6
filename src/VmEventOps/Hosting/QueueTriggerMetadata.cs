using System.Globalization;

namespace VmEventOps.Hosting;

/// <summary>
/// What a Functions queue trigger's $TriggerMetadata says about the message (the PowerShell worker passes a hashtable;
/// values may arrive typed or as text): its id, how often it was delivered and when it was queued.
/// </summary>
internal sealed record QueueTriggerMetadata(string? MessageId, long DequeueCount, DateTimeOffset? InsertedOn)
{
    public static QueueTriggerMetadata Read(object? metadata)
    {
        if (PlainObjectConverter.ToPlain(metadata) is not IDictionary<string, object?> values) return new(null, 0, null);
        var byName = new Dictionary<string, object?>(values, StringComparer.OrdinalIgnoreCase);
        var id = Convert.ToString(byName.GetValueOrDefault("Id"), CultureInfo.InvariantCulture);
        var count = byName.GetValueOrDefault("DequeueCount") switch
        {
            null => 0L,
            string text => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0L,
            var number => Convert.ToInt64(number, CultureInfo.InvariantCulture),
        };
        var inserted = byName.GetValueOrDefault("InsertionTime") switch
        {
            DateTimeOffset time => time,
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, time.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : time.Kind)),
            string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
            _ => (DateTimeOffset?)null,
        };
        return new(string.IsNullOrEmpty(id) ? null : id, count, inserted);
    }
}
