using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Fork;

/// <summary>hospesd killed in `fork --freeze` and `template create --running` (<see cref="ForkFaultChecks"/> says what must hold after).</summary>
public sealed class ForkFreezeFaultTests(TinyImage image) : ForkFaultChecks(image)
{
    [Fact]
    public async Task HospesdKilledWhileFreezing_AfterRestart_TheTemplateIsWholeOrUndone_ForksRunOrAreGone_NothingIsLeft()
    {
        await StartAsync("web");
        await StartAsync("two");

        // fork --freeze, killed once the parent is recorded frozen (its forks start then).
        await KillDuringAsync(["fork", "web", "f-{i}", "--count", "4", "--freeze"], async () => (await D.InfoAsync("web")).State == VmState.Saved, "web to be frozen");
        VmInfo web = await D.InfoAsync("web");
        Assert.True(web.State is VmState.Saved or VmState.Running, $"web is {web.State}");

        // template create --running, killed at its fork point (the state file is written).
        int dirs = ForkDirs().Count;
        await KillDuringAsync(["template", "create", "two", "--running", "--name", "two-live"], () => Task.FromResult(ForkDirs().Count > dirs && ForkDirs().Any(d => File.Exists(Path.Combine(d, "state")))), "two's fork point");
        Assert.Equal(VmState.Running, (await D.InfoAsync("two")).State);

        await TemplatesWhole_ThenNothingLeftAsync("data-web", "data-two");
    }
}
