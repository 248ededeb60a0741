using Hospes.Qemu.Launch;

namespace Hospes.Qemu.Tests.Launch;

/// <summary>Pss and anonymous memory of a process, read from /proc/PID/smaps_rollup in one pass.</summary>
public sealed class ProcFsRollupTests
{
    [Fact]
    public void ThisProcess_HasPssAndAnonymousMemory_AndAGoneOneHasNeither()
    {
        // Held and written, so that at least these 8 MiB are this process's own anonymous pages.
        byte[] held = GC.AllocateArray<byte>(8 << 20, pinned: true);
        Array.Fill(held, (byte)1);

        (long? pss, long? anonymous) = ProcFs.Rollup(Environment.ProcessId);

        Assert.True(pss > 8 << 20, $"Pss {pss}");
        Assert.True(anonymous > 8 << 20, $"Anonymous {anonymous}");
        Assert.True(ProcFs.ProportionalBytes(Environment.ProcessId) > 8 << 20);
        Assert.Equal((null, null), ProcFs.Rollup(int.MaxValue));
        GC.KeepAlive(held);
    }
}
