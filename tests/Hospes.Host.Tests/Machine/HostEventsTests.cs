using Hospes.Host.Machine;

namespace Hospes.Host.Tests.Machine;

/// <summary>The event hub: bounded queues per subscriber, lagged instead of blocking, unsubscribe, nothing when nobody listens.</summary>
public sealed class HostEventsTests
{
    private static HostEvent Event(int i) => new() { Type = HostEventTypes.VmState, Vm = $"vm{i}" };

    [Fact]
    public void Publish_WithNobodyListening_MakesNoEvent()
    {
        var hub = new HostEvents(TimeProvider.System);
        int made = 0;

        hub.Publish(() => { made++; return Event(1); });

        Assert.False(hub.Listening);
        Assert.Equal(0, made);
    }

    [Fact]
    public async Task Subscriber_GetsEventsInOrder_NumberedAndStamped()
    {
        var hub = new HostEvents(TimeProvider.System);
        using EventSubscription s = hub.Subscribe();

        for (int i = 1; i <= 3; i++)
        {
            hub.Publish(Event(i));
        }

        HostEvent[] got = await ReadAsync(s, 3);
        Assert.Equal(["vm1", "vm2", "vm3"], got.Select(e => e.Vm));
        Assert.Equal([1L, 2L, 3L], got.Select(e => e.Seq));
        Assert.All(got, e => Assert.NotEqual(default, e.At));
    }

    [Fact]
    public async Task ASlowSubscriber_LosesTheOldest_IsToldOnce_AndNeverBlocksThePublisher()
    {
        var hub = new HostEvents(TimeProvider.System);
        using EventSubscription slow = hub.Subscribe(capacity: 4);
        using EventSubscription other = hub.Subscribe();

        // Nobody reads: 10 publishes into a queue of 4 return at once.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 1; i <= 10; i++)
        {
            hub.Publish(Event(i));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"publishing took {clock.Elapsed}");
        HostEvent[] got = await ReadAsync(slow, 5);
        Assert.Equal(HostEventTypes.Lagged, got[0].Type);
        Assert.Equal(6, got[0].Dropped);
        Assert.Equal("this stream read too slowly: 6 event(s) dropped", got[0].Message);
        Assert.Equal(["vm7", "vm8", "vm9", "vm10"], got.Skip(1).Select(e => e.Vm));

        // The other subscriber's queue was not touched by the slow one's.
        HostEvent[] all = await ReadAsync(other, 10);
        Assert.DoesNotContain(all, e => e.Type == HostEventTypes.Lagged);
        Assert.Equal(10, all.Length);
    }

    [Fact]
    public async Task Dispose_Unsubscribes_AndEndsTheReader()
    {
        var hub = new HostEvents(TimeProvider.System);
        EventSubscription s = hub.Subscribe();
        Task<HostEvent[]> reading = Task.Run(async () =>
        {
            var list = new List<HostEvent>();
            await foreach (HostEvent e in s.ReadAllAsync(CancellationToken.None))
            {
                list.Add(e);
            }

            return list.ToArray();
        });
        hub.Publish(Event(1));

        s.Dispose();

        Assert.Single(await reading.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, hub.Subscribers);
        Assert.False(hub.Listening);
    }

    [Fact]
    public async Task Subscribe_WithAFilter_QueuesOnlyWhatItWants()
    {
        var hub = new HostEvents(TimeProvider.System);
        using EventSubscription s = hub.Subscribe(e => e.Vm == "vm2");

        for (int i = 1; i <= 3; i++)
        {
            hub.Publish(Event(i));
        }

        hub.Publish(Event(2) with { Message = "last" });
        HostEvent[] got = await ReadAsync(s, 2);
        Assert.All(got, e => Assert.Equal("vm2", e.Vm));
        Assert.Equal("last", got[1].Message);
    }

    internal static async Task<HostEvent[]> ReadAsync(EventSubscription s, int count)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var got = new List<HostEvent>();
        await foreach (HostEvent e in s.ReadAllAsync(limit.Token))
        {
            got.Add(e);
            if (got.Count == count)
            {
                break;
            }
        }

        return [.. got];
    }
}
