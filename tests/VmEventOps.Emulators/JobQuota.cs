namespace VmEventOps.Emulators;

/// <summary>
/// Azure Automation's limit on new jobs per account: at most <c>perWindow</c> job creations in any sliding window; beyond
/// it the service answers 429 with Retry-After (the time until the oldest creation leaves the window).
/// </summary>
public sealed class JobQuota(int perWindow, TimeSpan window)
{
    private readonly Queue<DateTimeOffset> _created = new();

    public int PerWindow => perWindow;

    public TimeSpan Window => window;

    /// <summary>Takes a slot for a new job now, or says how long until one frees up.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        lock (_created)
        {
            var now = DateTimeOffset.UtcNow;
            while (_created.Count > 0 && now - _created.Peek() >= window) _created.Dequeue();
            if (_created.Count < perWindow)
            {
                _created.Enqueue(now);
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = _created.Peek() + window - now;
            return false;
        }
    }

    /// <summary>"20/2": 20 jobs per 2 s (the process mode's VMEVENTOPSTEST_JOB_QUOTA).</summary>
    public static JobQuota? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split('/');
        return new JobQuota(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)));
    }
}
