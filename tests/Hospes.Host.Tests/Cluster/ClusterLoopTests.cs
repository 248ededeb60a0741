using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Tests.Cluster;

public sealed class ClusterLoopTests
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AStoreFailure_IsReportedOnce_WhileItRepeats_AndAgainAfterAGoodRound()
    {
        // Rounds: fail A, A, A, B, B, good, A, then good until stopped.
        string?[] script = ["A", "A", "A", "B", "B", null, "A"];
        var reported = new List<string>();
        using var stop = new CancellationTokenSource();
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int rounds = 0;

        Task loop = ClusterLoop.RunAsync(_ =>
        {
            int i = rounds++;
            if (i < script.Length && script[i] is { } why)
            {
                throw new ClusterStoreException(why);
            }

            if (i >= script.Length)
            {
                finished.TrySetResult();
            }

            return Task.CompletedTask;
        }, Every, TimeProvider.System, reported.Add, stop.Token);

        await finished.Task.WaitAsync(Limit);
        await stop.CancelAsync();
        await loop.WaitAsync(Limit);

        Assert.Equal(["A", "B", "A"], reported);
    }

    [Fact]
    public async Task Cancelling_EndsTheLoop_EvenInsideARound_WithoutAnError()
    {
        using var stop = new CancellationTokenSource();
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int rounds = 0;

        Task loop = ClusterLoop.RunAsync(async ct =>
        {
            rounds++;
            inside.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }, Every, TimeProvider.System, _ => Assert.Fail("nothing failed"), stop.Token);

        await inside.Task.WaitAsync(Limit);
        await stop.CancelAsync();
        await loop.WaitAsync(Limit);

        Assert.True(loop.IsCompletedSuccessfully);
        Assert.Equal(1, rounds);
    }

    [Fact]
    public async Task Cancelling_DuringTheWait_EndsTheLoop_BeforeAnotherRound()
    {
        using var stop = new CancellationTokenSource();
        int rounds = 0;

        Task loop = ClusterLoop.RunAsync(_ =>
        {
            rounds++;
            stop.Cancel();
            return Task.CompletedTask;
        }, TimeSpan.FromHours(1), TimeProvider.System, _ => { }, stop.Token);

        await loop.WaitAsync(Limit);

        Assert.True(loop.IsCompletedSuccessfully);
        Assert.Equal(1, rounds);
    }

    [Fact]
    public async Task AnyOtherException_EndsTheLoop_WithThatException()
    {
        using var stop = new CancellationTokenSource();
        var reported = new List<string>();

        Task loop = ClusterLoop.RunAsync(_ => throw new InvalidOperationException("a defect"), Every, TimeProvider.System, reported.Add, stop.Token);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => loop.WaitAsync(Limit));
        Assert.Equal("a defect", e.Message);
        Assert.Empty(reported);
    }

    [Fact]
    public async Task TheLoop_WaitsThePeriodBetweenRounds()
    {
        var time = new ManualTime();
        using var stop = new CancellationTokenSource();
        int rounds = 0;
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task loop = ClusterLoop.RunAsync(_ =>
        {
            if (++rounds == 2)
            {
                second.TrySetResult();
            }

            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(2), time, _ => { }, stop.Token);

        await time.TimerCreated.WaitAsync(Limit);
        Assert.Equal(1, rounds);
        Assert.Equal(TimeSpan.FromSeconds(2), time.DueTime);
        time.Fire();
        await second.Task.WaitAsync(Limit);
        await stop.CancelAsync();
        await loop.WaitAsync(Limit);
        Assert.Equal(2, rounds);
    }

    /// <summary>A clock whose timers fire only when told (the first one is recorded).</summary>
    private sealed class ManualTime : TimeProvider
    {
        private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TimerCallback? _callback;
        private object? _state;

        public Task TimerCreated => _created.Task;

        public TimeSpan DueTime { get; private set; }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (_callback is null)
            {
                (_callback, _state, DueTime) = (callback, state, dueTime);
                _created.TrySetResult();
            }

            return new NoTimer();
        }

        public void Fire() => _callback!(_state);

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
