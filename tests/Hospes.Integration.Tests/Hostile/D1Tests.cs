using Hospes.Testing;

namespace Hospes.Integration.Tests.Hostile;

/// <summary>
/// Issue 13, cluster D1 (validation and bounds), against a real hospesd: hostile configs are errors, never a dead or
/// hung daemon. No guest boots: each input is refused before a QEMU would start.
/// </summary>
public sealed class D1Tests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task TwoHundredThousandOpenBrackets_AreAnError_AndTheDaemonLives()
    {
        // #13: the review's repro killed hospesd with a stack overflow.
        string cfg = _d.WriteConfig("deep.cfg", "name=\"x\"\nkernel=\"image:tiny\"\ndisk=" + new string('[', 200_000) + "\n");

        CliResult r = await _d.CliAsync("config", "check", cfg);

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"{cfg}:3:", r.Stderr, StringComparison.Ordinal);
        (await _d.CliAsync("list")).Ok();
    }

    [Fact]
    public async Task ACpuRangeToIntMax_IsAnError_NotAnEndlessLoop()
    {
        // #2e: CpuAffinity.Parse looped (and grew a set) until OOM.
        string cfg = _d.WriteConfig("cpus.cfg", "name = \"c\"\nkernel = \"image:tiny\"\ncpus = \"0-2147483647\"\n");

        CliResult r = await _d.CliAsync("create", cfg).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("cpus", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\nc ", (await _d.CliAsync("list")).Ok().Stdout, StringComparison.Ordinal);
    }
}
