using System.Diagnostics;
using Hospes.Testing;
using Xunit.Abstractions;

namespace Hospes.Integration.Tests.Reliability;

public sealed class BootReliabilityTests(TinyImage image, ITestOutputHelper output) : IClassFixture<TinyImage>, IAsyncLifetime
{
    // The hang this guards against (microvm under TCG without tsc_early_khz) hit 13 of 20 boots: 8 in a row miss
    // it with a chance of (7/20)^8 < 1/4000.
    private const int Boots = 8;
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task TheTinyGuest_Boots8TimesInARow_WithoutAHang()
    {
        string cfg = _d.WriteConfig("boot.cfg", Guest.Config("boot"));
        (await _d.CliAsync("define", cfg)).Ok();
        var times = new List<double>();
        for (int i = 1; i <= Boots; i++)
        {
            var clock = Stopwatch.StartNew();
            (await _d.CliAsync("start", "boot")).Ok();
            await _d.WaitForConsoleAsync("boot", Guest.Ready, count: i, limit: TimeSpan.FromSeconds(60));
            times.Add(clock.Elapsed.TotalSeconds);
            (await _d.CliAsync("destroy", "boot")).Ok();
        }

        times.Sort();
        output.WriteLine($"{Boots} boots to the ready marker: median {times[Boots / 2]:0.00} s, min {times[0]:0.00} s, max {times[^1]:0.00} s");
    }
}
