using Hospes.Core.Operations;

namespace Hospes.Core.Tests.Operations;

public class ReverterTests
{
    [Fact]
    public async Task Dispose_WithoutCommit_UndoesInReverseOrder()
    {
        var undone = new List<int>();
        await using (var revert = new Reverter())
        {
            revert.Add(() => undone.Add(1));
            revert.Add(() => undone.Add(2));
            revert.Add(() =>
            {
                undone.Add(3);
                return ValueTask.CompletedTask;
            });
        }

        Assert.Equal([3, 2, 1], undone);
    }

    [Fact]
    public async Task Dispose_AfterCommit_UndoesNothing()
    {
        var undone = new List<int>();
        await using (var revert = new Reverter())
        {
            revert.Add(() => undone.Add(1));
            revert.Commit();
        }

        Assert.Empty(undone);
    }

    [Fact]
    public async Task AFailingUndo_DoesNotStopTheOthers_AndIsReported()
    {
        var undone = new List<int>();
        var revert = new Reverter();
        revert.Add(() => undone.Add(1));
        revert.Add(() => throw new InvalidOperationException("tap busy"));
        revert.Add(() => undone.Add(3));

        var e = await Assert.ThrowsAsync<AggregateException>(async () => await revert.DisposeAsync());

        Assert.Equal([3, 1], undone);
        Assert.Equal("tap busy", Assert.Single(e.InnerExceptions).Message);
    }
}
