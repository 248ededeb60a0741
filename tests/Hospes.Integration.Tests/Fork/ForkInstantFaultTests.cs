using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Fork;

/// <summary>
/// hospesd killed in `clone --instant` and while a fork's parent gets memory of its own (<see cref="ForkFaultChecks"/>
/// says what must hold after).
/// </summary>
public sealed class ForkInstantFaultTests(TinyImage image) : ForkFaultChecks(image)
{
    [Fact]
    public async Task HospesdKilledInCloneInstant_OrWhileAForkGetsMemoryOfItsOwn_AfterRestart_EachVmRunsOrIsGone_NothingIsLeft()
    {
        await StartAsync("thr");
        (await D.CliAsync("template", "create", "thr", "--running", "--name", "thr-live")).Ok();

        // clone --instant of a template, killed while its forks' QEMUs start.
        int qemus = D.Qemus().Count;
        await KillDuringAsync(["clone", "thr-live", "c-{i}", "--count", "4", "--instant"], () => Task.FromResult(D.Qemus().Count >= qemus + 2), "two clones' QEMUs");
        Assert.Equal(VmState.Saved, (await D.InfoAsync("thr-live")).State);

        // A fork of thr, which runs on thr-live's fork point's memory: thr is first saved whole and restored to memory of
        // its own; killed during that save. After the restart thr runs (restored, or the save undone) and the file is gone.
        string whole = Path.Combine(D.StateDir, "vms", (await D.InfoAsync("thr")).Uuid.ToString(), "own-memory.save");
        await KillDuringAsync(["fork", "thr", "t-{i}", "--count", "2"], () => Task.FromResult(File.Exists(whole)), "thr's save to memory of its own");
        Assert.Equal(VmState.Running, (await D.InfoAsync("thr")).State);
        Assert.False(File.Exists(whole), $"{whole} was left");
        (await D.CliAsync("fork", "thr", "u-1")).Ok();
        Assert.Equal("disk=thr who=thr", await DiskAndWhoAsync("u-1"));

        await TemplatesWhole_ThenNothingLeftAsync("data-thr");
    }
}
