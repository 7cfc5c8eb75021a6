using System.Collections.Concurrent;

namespace VmEventOps.Engine.Caching;

/// <summary>
/// A thread-safe map that holds at most its capacity: an entry added past it pushes out another (any one — each is
/// rebuilt on its next use). The size is checked where entries are added, never on a read.
/// </summary>
internal sealed class BoundedMap<TKey, TValue>(int capacity, IEqualityComparer<TKey>? comparer = null) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _entries = new(comparer);

    public int Count => _entries.Count;

    public void Clear() => _entries.Clear();

    public bool TryGetValue(TKey key, out TValue value) => _entries.TryGetValue(key, out value!);

    public TValue GetOrAdd(TKey key, Func<TKey, TValue> create)
    {
        if (_entries.TryGetValue(key, out var found)) return found;
        var value = _entries.GetOrAdd(key, create);
        Trim(key);
        return value;
    }

    public void Set(TKey key, TValue value)
    {
        _entries[key] = value;
        Trim(key);
    }

    private void Trim(TKey added)
    {
        if (_entries.Count <= capacity) return;
        foreach (var key in _entries.Keys)
        {
            if (_entries.Count <= capacity) return;
            if (!_entries.Comparer.Equals(key, added)) _entries.TryRemove(key, out _);
        }
    }
}
