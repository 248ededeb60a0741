using Hospes.Host.Memory;

namespace Hospes.Host.Tests.Memory;

/// <summary>The host memory history the web UI's chart reads: a sample every 10 s, one hour kept, oldest dropped.</summary>
public sealed class MemoryHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ASampleIsDueAtFirst_ThenOnlyAPeriodAfterTheLast()
    {
        var history = new MemoryHistory();
        Assert.True(history.Due(T0));
        history.Add(Point(T0));
        Assert.False(history.Due(T0.AddSeconds(2)));
        Assert.False(history.Due(T0.AddSeconds(8)));
        Assert.True(history.Due(T0.AddSeconds(10)));
    }

    [Fact]
    public void AnHourIsKept_OldestFirst_AndOlderSamplesAreDropped()
    {
        var history = new MemoryHistory();
        for (int i = 0; i < 500; i++)
        {
            history.Add(Point(T0.AddSeconds(10 * i)));
        }

        IReadOnlyList<MemoryHistoryPoint> points = history.Points();
        Assert.Equal(360, MemoryHistory.Capacity);
        Assert.Equal(360, points.Count);
        Assert.Equal(T0.AddSeconds(10 * 499), points[^1].At);
        Assert.True(points[^1].At - points[0].At <= MemoryHistory.Window);
        Assert.True(points.Zip(points.Skip(1)).All(p => p.First.At < p.Second.At));
    }

    [Fact]
    public void AfterAGap_SamplesOlderThanAnHourAreDropped_EvenWhenFewerThanTheCapacity()
    {
        var history = new MemoryHistory();
        history.Add(Point(T0));
        history.Add(Point(T0.AddSeconds(10)));
        history.Add(Point(T0.AddHours(2)));
        Assert.Equal([T0.AddHours(2)], history.Points().Select(p => p.At));
    }

    private static MemoryHistoryPoint Point(DateTimeOffset at) => new(at, 8L << 30, 4L << 30, 1L << 30, 0);
}
