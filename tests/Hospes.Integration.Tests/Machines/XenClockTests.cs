using Hospes.Testing;

namespace Hospes.Integration.Tests.Machines;

/// <summary>
/// localtime = 1 (xm/xl): the guest's real-time clock holds the host's local time, as Xen gave HVM guests (Windows keeps
/// its RTC in local time); without it, UTC. hospesd, and so QEMU, runs here with TZ five and a half hours east of UTC,
/// so the two differ by 19800 s whatever the machine's own zone.
/// </summary>
public sealed class XenClockTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const long EastOfUtc = (5 * 3600) + (30 * 60);

    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(new DaemonOptions
    {
        Image = image,
        Args = ["--ksm", "off"],
        Environment = new Dictionary<string, string> { ["TZ"] = "IST-5:30" },
    });

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task LocalTime_GivesTheGuestsRtcTheHostsLocalTime_AndWithoutIt_Utc()
    {
        await Guest.CreateAsync(_d, "local", "type = 'hvm'\nlocaltime = 1");
        await Guest.CreateAsync(_d, "utc", "type = 'hvm'\nlocaltime = 0");

        // Seconds the guest's RTC is ahead of the host's UTC clock (the guest reads its RTC as UTC, as Linux does).
        long local = await RtcAheadAsync("local");
        long utc = await RtcAheadAsync("utc");

        Assert.InRange(local, EastOfUtc - 300, EastOfUtc + 300);
        Assert.InRange(utc, -300, 300);
    }

    private async Task<long> RtcAheadAsync(string vm)
    {
        string read = await GuestShell.RunAsync(_d, vm, "cat /sys/class/rtc/rtc0/since_epoch");
        long host = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.True(long.TryParse(read.Trim(), out long rtc), $"{vm}: its RTC read '{read}' (no /sys/class/rtc/rtc0?)");
        return rtc - host;
    }
}
