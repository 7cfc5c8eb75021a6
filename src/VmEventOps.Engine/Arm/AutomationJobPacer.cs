using System.Collections.Concurrent;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Arm;

/// <summary>
/// Paces the creation of runbook jobs in one Automation account, per process: at most <c>limit</c> job PUTs in any
/// sliding window, so a process never exceeds the account's quota by itself. Other processes share the account,
/// so the limit adapts: a 429 pauses every caller for the Retry-After the service named and lowers the limit by a quarter
/// (at most once per window); each window without a 429 gives a tenth of the configured limit back.
/// </summary>
/// <remarks>
/// A slot counts from the moment the service answered, not from when the request left: the service counted the job at
/// some point in between, so the next slot a window later can never reach it inside that window, whatever the latency.
/// System.Threading.RateLimiting's limiters have a fixed limit; an adaptive one needs the limit to move at run time.
/// </remarks>
public sealed class AutomationJobPacer
{
    private readonly object _lock = new();
    private readonly List<Slot> _slots = [];
    private readonly TimeProvider _time;
    private readonly string _account;
    private int _perWindow;
    private TimeSpan _window;
    private double _share = 1.0;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _lastChange = DateTimeOffset.MinValue;
    private DateTimeOffset _lastThrottled = DateTimeOffset.MinValue;
    private DateTimeOffset _lastDecrease = DateTimeOffset.MinValue;

    internal AutomationJobPacer(string account, int perWindow, TimeSpan window, TimeProvider time)
    {
        _account = account;
        _perWindow = perWindow;
        _window = window;
        _time = time;
    }

    /// <summary>Jobs this process may start per window now (the configured limit, less while the account throttles).</summary>
    public int Limit
    {
        get
        {
            lock (_lock)
            {
                Recover(_time.GetUtcNow());
                return CurrentLimit;
            }
        }
    }

    private int CurrentLimit => Math.Max(1, (int)Math.Round(_perWindow * _share));

    /// <summary>
    /// Waits for a slot to start a job. When the slot is further away than <paramref name="maxWait"/>, takes none and fails
    /// with <see cref="ErrorIds.ArmThrottled"/> (Retry-After: the wait), so the caller defers its work instead of holding it;
    /// the same when <paramref name="deferral"/> is cancelled while it waits (its worker is stopping).
    /// </summary>
    public async Task<Slot> AcquireAsync(TimeSpan maxWait, CancellationToken cancellationToken, CancellationToken deferral = default)
    {
        var deadline = _time.GetUtcNow() + maxWait;
        var slot = new Slot();
        var others = true;
        while (true)
        {
            TimeSpan wait;
            DateTimeOffset until;
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                Recover(now);
                _slots.Remove(slot);
                // A first request queues behind those already waiting; a caller that woke up checks only what was sent.
                // A slot free now needs no wait, so no limit on waiting refuses it (even one already used up).
                var at = NextFree(now, includeWaiting: others);
                if (at > now && (at > deadline || deferral.IsCancellationRequested))
                {
                    throw Deferred(at - now, at > deadline ? "the work is deferred" : "the worker is stopping, so the work is deferred");
                }

                slot.At = at;
                slot.Sent = at <= now;
                _slots.Add(slot);
                wait = at - now;
                until = at;
            }

            if (wait <= TimeSpan.Zero) return slot;
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deferral);
            try
            {
                await Task.Delay(wait, _time, waiting.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Release(slot);
                throw Deferred(until - _time.GetUtcNow(), "the worker is stopping, so the work is deferred");
            }
            catch
            {
                Release(slot);
                throw;
            }

            // Requests that were in flight when this caller queued may have been answered later than it assumed, and a
            // 429 may have paused everything meanwhile: check again.
            others = false;
        }
    }

    private VmEventOpsException Deferred(TimeSpan wait, string why) => new(ErrorIds.ArmThrottled, VmErrorCategory.LimitsExceeded,
        $"Automation account {_account}: the next job slot of this process is {Math.Max(0, wait.TotalSeconds):0} s away ({CurrentLimit} jobs per {_window.TotalSeconds:0} s); {why}.", _account)
    {
        IsTransient = true,
        RetryAfter = wait > TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1),
    };

    /// <summary>The service created the job: the slot counts from now.</summary>
    public void Completed(Slot slot)
    {
        lock (_lock)
        {
            slot.At = _time.GetUtcNow();
            slot.Answered = true;
        }
    }

    /// <summary>The slot was not used (nothing sent, or the service created no job).</summary>
    public void Release(Slot slot)
    {
        lock (_lock) _slots.Remove(slot);
    }

    /// <summary>
    /// The service answered 429: the slot is free again, every caller waits for <paramref name="retryAfter"/> (a window when
    /// not named), and the limit falls by a quarter.
    /// </summary>
    public void Throttled(Slot slot, TimeSpan? retryAfter)
    {
        lock (_lock)
        {
            _slots.Remove(slot);
            var now = _time.GetUtcNow();
            // One decrease per window: the 429s of one window are one signal (requests in flight together, or a
            // passing storm), and a process slowed down too far leaves the account's quota unused.
            if (_lastDecrease == DateTimeOffset.MinValue || now - _lastDecrease >= _window)
            {
                _share = Math.Max(1.0 / _perWindow, _share * 0.75);
                _lastDecrease = now;
                _lastChange = now;
            }

            _lastThrottled = now;
            // The 429s of requests that were in flight together each name when a slot frees, rounded up to whole seconds:
            // the earliest of them is the best guess (a little early costs one more 429, late leaves the quota unused).
            var until = now + (retryAfter is { } given && given > TimeSpan.Zero ? given : _window);
            if (now >= _pausedUntil || until < _pausedUntil) _pausedUntil = until;
        }
    }

    internal void Configure(int perWindow, TimeSpan window)
    {
        lock (_lock)
        {
            _perWindow = perWindow;
            _window = window;
        }
    }

    // The earliest moment a new slot keeps at most CurrentLimit slots in any window. A request sent but not answered
    // counts as no earlier than now (its answer has not come yet); one waiting counts at the moment it is due.
    private DateTimeOffset NextFree(DateTimeOffset now, bool includeWaiting)
    {
        _slots.RemoveAll(s => s.Answered && s.At <= now - _window);
        var at = now > _pausedUntil ? now : _pausedUntil;
        var limit = CurrentLimit;
        var times = _slots
            .Where(s => includeWaiting || s.Sent)
            .Select(s => s.Sent && !s.Answered && s.At < now ? now : s.At)
            .OrderByDescending(t => t)
            .ToArray();
        if (times.Length < limit) return at;
        var free = times[limit - 1] + _window;
        return free > at ? free : at;
    }

    private void Recover(DateTimeOffset now)
    {
        if (_share >= 1.0 || now - _lastThrottled < _window || now - _lastChange < _window) return;
        _share = Math.Min(1.0, _share + 0.1);
        _lastChange = now;
    }

    /// <summary>A slot for one job PUT.</summary>
    public sealed class Slot
    {
        internal Slot()
        {
        }

        internal DateTimeOffset At { get; set; }

        // Granted: the request may go (or went).
        internal bool Sent { get; set; }

        // The service answered: At is the moment of the answer.
        internal bool Answered { get; set; }
    }
}
