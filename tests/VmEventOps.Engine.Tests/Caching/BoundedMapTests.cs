using VmEventOps.Engine.Caching;

namespace VmEventOps.Engine.Tests.Caching;

/// <summary>The registry's small maps: never past their capacity, the entry just added kept, reads never trimming.</summary>
public sealed class BoundedMapTests
{
    [Fact]
    public void GetOrAdd_PastTheCapacity_ShouldKeepTheNewEntry_AndNoMoreThanTheCapacity()
    {
        var map = new BoundedMap<int, string>(8);

        for (var i = 0; i < 100; i++)
        {
            map.GetOrAdd(i, k => $"v{k}");
            Assert.True(map.TryGetValue(i, out var value));
            Assert.Equal($"v{i}", value);
            Assert.InRange(map.Count, 1, 8);
        }
    }

    [Fact]
    public void GetOrAdd_OfAnEntryPresent_ShouldNotBuildItAgain()
    {
        var map = new BoundedMap<string, object>(4, StringComparer.OrdinalIgnoreCase);
        var built = 0;

        var first = map.GetOrAdd("Key", _ => { built++; return new object(); });
        var second = map.GetOrAdd("KEY", _ => { built++; return new object(); });

        Assert.Same(first, second);
        Assert.Equal(1, built);
    }

    [Fact]
    public async Task GetOrAddAndSet_From16Threads_ShouldStayWithinTheCapacity()
    {
        var map = new BoundedMap<int, int>(16);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                if (i % 2 == 0) map.GetOrAdd(t * 10_000 + i, k => k);
                else map.Set(t * 10_000 + i, i);
            }
        })));

        Assert.InRange(map.Count, 1, 16);
    }
}
