using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Hospes.Host.Edge;
using Wire = Hospes.Contracts;

namespace Hospes.Host.Tests.Cluster;

/// <summary>
/// The cluster-wide event stream: this host's events and each member's, each naming its host; a member's stream that
/// drops, comes back, appears late or goes is a lagged event naming it, and one that does not answer holds no one.
/// </summary>
public sealed class ClusterEventMergeTests
{
    private static readonly ClusterEventTiming Fast = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EveryMembersEvents_ComeInOneStream_EachWithItsHost_AndNoLaggedForTheStart()
    {
        var world = new World(["host-b", "host-c"]);
        await using ClusterEventMerge merge = await world.StartAsync();
        await using IAsyncEnumerator<Wire.HostEvent> read = merge.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();

        world.Local.Writer.TryWrite(State("home"));
        await (await world.StreamAsync("host-b")).Writer.WriteAsync(State("far"));
        await (await world.StreamAsync("host-c")).Writer.WriteAsync(State("other"));

        Wire.HostEvent[] seen = await TakeAsync(read, 3);
        Assert.Equal([("far", "host-b"), ("home", "host-a"), ("other", "host-c")], seen.Select(e => (e.Vm!, e.Host!)).Order());
        Assert.Equal(["host-b", "host-c"], merge.Following);
    }

    [Fact]
    public async Task AMemberThatDoesNotAnswer_HoldsNoOne_AndWhenItAnswersLater_ALaggedNamesIt()
    {
        var world = new World(["host-b", "host-c"]);
        world.Refuse("host-c", true);
        await using ClusterEventMerge merge = await world.StartAsync();
        await using IAsyncEnumerator<Wire.HostEvent> read = merge.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();

        await (await world.StreamAsync("host-b")).Writer.WriteAsync(State("far"));
        world.Local.Writer.TryWrite(State("home"));
        Assert.Equal(["far", "home"], (await TakeAsync(read, 2)).Select(e => e.Vm).Order());

        world.Refuse("host-c", false);
        Wire.HostEvent back = (await TakeAsync(read, 1))[0];
        Assert.Equal(("lagged", "host-c"), (back.Type, back.Host));
        await (await world.StreamAsync("host-c")).Writer.WriteAsync(State("other"));
        Assert.Equal(("other", "host-c"), (await TakeAsync(read, 1)).Select(e => (e.Vm, e.Host)).Single());
        Assert.Contains("host-c", world.Lost);
    }

    [Fact]
    public async Task AStreamThatDrops_IsALaggedNamingItsHost_ThenOpenedAgain_WithAnotherLagged()
    {
        var world = new World(["host-b"]);
        await using ClusterEventMerge merge = await world.StartAsync();
        await using IAsyncEnumerator<Wire.HostEvent> read = merge.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();
        Channel<Wire.HostEvent> first = await world.StreamAsync("host-b");

        world.Refuse("host-b", true);
        first.Writer.TryComplete(new MemberEventsException("host 'host-b''s stream broke off: reset"));
        Wire.HostEvent dropped = (await TakeAsync(read, 1))[0];
        Assert.Equal(("lagged", "host-b"), (dropped.Type, dropped.Host));
        Assert.Contains("reset", dropped.Message, StringComparison.Ordinal);

        world.Refuse("host-b", false);
        Wire.HostEvent again = (await TakeAsync(read, 1))[0];
        Assert.Equal(("lagged", "host-b"), (again.Type, again.Host));
        Assert.Contains("followed from now on", again.Message, StringComparison.Ordinal);
        Channel<Wire.HostEvent> second = await world.StreamAsync("host-b");
        Assert.NotSame(first, second);
        await second.Writer.WriteAsync(State("far"));
        Assert.Equal("far", (await TakeAsync(read, 1))[0].Vm);
        Assert.Equal(["host-b"], world.Back);
    }

    [Fact]
    public async Task AMemberThatComesUp_IsFollowed_WithALagged_AndOneThatGoes_IsALaggedAndNoLongerFollowed()
    {
        var world = new World(["host-b"]);
        await using ClusterEventMerge merge = await world.StartAsync();
        await using IAsyncEnumerator<Wire.HostEvent> read = merge.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();

        world.Members = ["host-b", "host-c"];
        Wire.HostEvent came = (await TakeAsync(read, 1))[0];
        Assert.Equal(("lagged", "host-c"), (came.Type, came.Host));
        await (await world.StreamAsync("host-c")).Writer.WriteAsync(State("other"));
        Assert.Equal("host-c", (await TakeAsync(read, 1))[0].Host);

        world.Members = ["host-c"];
        Wire.HostEvent went = (await TakeAsync(read, 1))[0];
        Assert.Equal(("lagged", "host-b"), (went.Type, went.Host));
        Assert.Equal(["host-c"], merge.Following);
        Assert.True(world.Cancelled("host-b"));
    }

    [Fact]
    public async Task MembersThatCannotBeRead_KeepTheStreamsOpen_AndThisHostsEnd_EndsTheMerge()
    {
        var world = new World(["host-b"]);
        await using ClusterEventMerge merge = await world.StartAsync();
        await using IAsyncEnumerator<Wire.HostEvent> read = merge.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();

        world.Members = null;
        await Task.Delay(200); // several reads of the members that fail (50 ms each): nothing changes
        await (await world.StreamAsync("host-b")).Writer.WriteAsync(State("far"));
        Assert.Equal(("far", "host-b"), (await TakeAsync(read, 1)).Select(e => (e.Vm, e.Host)).Single());

        world.Local.Writer.TryComplete();
        Assert.False(await read.MoveNextAsync().AsTask().WaitAsync(Limit));
    }

    private static Wire.HostEvent State(string vm) => new() { Type = "vm.state", Vm = vm, State = Wire.Vms.VmState.Running };

    private static async Task<Wire.HostEvent[]> TakeAsync(IAsyncEnumerator<Wire.HostEvent> read, int count)
    {
        var seen = new List<Wire.HostEvent>();
        while (seen.Count < count)
        {
            Assert.True(await read.MoveNextAsync().AsTask().WaitAsync(Limit), "the merged stream ended");
            seen.Add(read.Current);
        }

        return [.. seen];
    }

    /// <summary>This host's events, and the members: which are up, which refuse, and each one's stream now.</summary>
    private sealed class World(IReadOnlyCollection<string> members)
    {
        private readonly Dictionary<string, (Channel<Wire.HostEvent> Channel, CancellationToken Ct)> _streams = [];
        private readonly Lock _gate = new();

        public Channel<Wire.HostEvent> Local { get; } = Channel.CreateUnbounded<Wire.HostEvent>();

        public IReadOnlyCollection<string>? Members { get; set; } = members;

        private readonly HashSet<string> _refusing = [];

        public List<string> Lost { get; } = [];

        public List<string> Back { get; } = [];

        public async Task<ClusterEventMerge> StartAsync()
        {
            var merge = new ClusterEventMerge(
                "host-a",
                Local.Reader.ReadAllAsync(),
                _ => Task.FromResult(Members),
                OpenAsync,
                Fast,
                TimeProvider.System,
                (host, _) =>
                {
                    lock (_gate)
                    {
                        Lost.Add(host);
                    }
                },
                host =>
                {
                    lock (_gate)
                    {
                        Back.Add(host);
                    }
                });
            await merge.StartAsync(CancellationToken.None);
            return merge;
        }

        /// <summary>The member's stream open now (waits for it to be opened).</summary>
        public async Task<Channel<Wire.HostEvent>> StreamAsync(string host)
        {
            DateTime deadline = DateTime.UtcNow + Limit;
            while (DateTime.UtcNow < deadline)
            {
                lock (_gate)
                {
                    if (_streams.TryGetValue(host, out var s) && !s.Ct.IsCancellationRequested && !s.Channel.Reader.Completion.IsCompleted)
                    {
                        return s.Channel;
                    }
                }

                await Task.Delay(10);
            }

            throw new TimeoutException($"no stream of {host} opened");
        }

        public void Refuse(string host, bool refuse)
        {
            lock (_gate)
            {
                _ = refuse ? _refusing.Add(host) : _refusing.Remove(host);
            }
        }

        public bool Cancelled(string host)
        {
            lock (_gate)
            {
                return _streams[host].Ct.IsCancellationRequested;
            }
        }

        private Task<IAsyncEnumerable<Wire.HostEvent>> OpenAsync(string host, CancellationToken ct)
        {
            lock (_gate)
            {
                if (_refusing.Contains(host))
                {
                    throw new MemberEventsException($"host '{host}' did not answer: connection refused");
                }

                var channel = Channel.CreateUnbounded<Wire.HostEvent>();
                _streams[host] = (channel, ct);
                return Task.FromResult(ReadAsync(channel, ct));
            }
        }

        private static async IAsyncEnumerable<Wire.HostEvent> ReadAsync(Channel<Wire.HostEvent> channel, [EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (Wire.HostEvent e in channel.Reader.ReadAllAsync(ct))
            {
                yield return e;
            }
        }
    }
}
