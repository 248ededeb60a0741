using Hospes.Host.Migration;

namespace Hospes.Host.Tests.Migration;

public class IncomingMigrationTests
{
    private static IncomingMigration New() => new("m1", null!, null!, "host-a", DateTimeOffset.UnixEpoch, Postcopy: false);

    [Fact]
    public void OnceTheSwitchoverBegan_NoAbortCanDropIt_AndItBeginsOnlyOnce()
    {
        IncomingMigration m = New();

        Assert.True(m.TryBeginFinish());
        Assert.True(m.IsFinishing);
        Assert.False(m.TryBeginAbort());
        Assert.False(m.TryBeginFinish());
    }

    [Fact]
    public void AnAbortedMigration_CannotBeFinished()
    {
        IncomingMigration m = New();

        Assert.True(m.TryBeginAbort());
        Assert.False(m.IsFinishing);
        Assert.False(m.TryBeginFinish());
    }

    [Fact]
    public async Task FinishAndAbortRacing_ExactlyOneWins()
    {
        for (int i = 0; i < 200; i++)
        {
            IncomingMigration m = New();
            bool[] won = await Task.WhenAll(Task.Run(m.TryBeginFinish), Task.Run(m.TryBeginAbort));
            Assert.Equal(1, won.Count(w => w));
        }
    }
}
