using System.Diagnostics;
using Hospes.Core.Processes;

namespace Hospes.Core.Tests.Processes;

public class PidFdTests
{
    [Fact]
    public async Task AHandle_SignalsItsProcess_AndSeesItEnd()
    {
        using Process sleep = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        using PidFd handle = PidFd.Open(sleep.Id)!;
        Assert.False(handle.HasExited);

        Assert.True(handle.Signal(PidFd.SigKill));

        Assert.True(await handle.WaitForExitAsync(TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None));
        await sleep.WaitForExitAsync();
        Assert.False(handle.Signal(PidFd.SigKill));
    }

    [Fact]
    public void NoProcess_NoHandle()
    {
        Assert.Null(PidFd.Open(0));
        Assert.Null(PidFd.Open(int.MaxValue - 1));
    }
}
