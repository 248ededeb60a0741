using System.Globalization;
using Hospes.Storage.Tests.Tiny.Support;
using Hospes.Storage.Tiny;
using Xunit.Abstractions;

namespace Hospes.Storage.Tests.Tiny;

/// <summary>Time from QEMU start to the ready marker, median of five boots per machine type.</summary>
[Collection(TinyImageGroup.Name)]
public sealed class TinyBootTimingTests : IDisposable
{
    private const int Boots = 5;

    private readonly TinyImageFixture _image;
    private readonly ITestOutputHelper _output;
    private readonly TempDir _dir = new();

    public TinyBootTimingTests(TinyImageFixture image, ITestOutputHelper output)
    {
        _image = image;
        _output = output;
    }

    [BenchFact]
    public async Task ReadyMarker_MedianOfFiveBoots_OnMicrovmAndQ35()
    {
        string disk = await Tool.MakeExt4DiskAsync(_dir.Path, new Dictionary<string, string>());
        foreach (TinyMachine machine in (TinyMachine[])[TinyMachine.Microvm, TinyMachine.Q35])
        {
            List<double> ready = [];
            List<double> powerdown = [];
            for (int i = 0; i < Boots; i++)
            {
                await using QemuGuest guest = QemuGuest.Start(_image.Image, machine, _dir.Path, disk);
                ready.Add((await guest.WaitForAsync(TinyGuest.ReadyMarker)).TotalSeconds);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await guest.PowerdownAsync();
                Assert.True(await guest.WaitForExitAsync(TimeSpan.FromSeconds(10)));
                powerdown.Add(clock.Elapsed.TotalSeconds);
            }

            _output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{machine}: ready median {Median(ready):F2} s [{string.Join(" ", ready.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}], powerdown median {Median(powerdown):F2} s"));
        }
    }

    public void Dispose() => _dir.Dispose();

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
