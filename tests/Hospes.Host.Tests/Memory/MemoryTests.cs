using Hospes.Host;
using Hospes.Host.Memory;
using Hospes.Host.Settings;
using Hospes.Host.Vms;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Tests.Memory;

public sealed class MemoryTests : IDisposable
{
    private const long Mib = 1024 * 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("hmem-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void SettingsFile_SetsEveryKey_AndNamesTheLineOfABadOne()
    {
        string path = Write("hospesd.conf", "# memory\nmemory.overcommit_ratio = 3.5\nmemory.policy = off\nmemory.reserve_mib = 1024\nmemory.ksm = off\nmemory.interval_s = 5\ntcg.tb_size_mib = 64\n");
        HostOptions o = HostSettings.Load(path, new HostOptions()).Value;
        Assert.Equal(new MemorySettings { OvercommitRatio = 3.5, Policy = MemoryPolicyMode.Off, ReserveMib = 1024, Ksm = KsmMode.Off, Interval = TimeSpan.FromSeconds(5) }, o.Memory);
        Assert.Equal(64, o.TcgTbSizeMib);
        Assert.Null(HostSettings.Apply(o, "tcg.tb_size_mib", "default").Value.TcgTbSizeMib);

        string bad = Write("bad.conf", "memory.policy = balance\n\nmemory.overcommit_ratio = lots\n");
        Assert.Equal($"{bad}:3: memory.overcommit_ratio = lots: expected a number from 0.01 to 100, e.g. 2.0 (1.0 means no overcommit)", HostSettings.Load(bad, new HostOptions()).Error!.Message);
        Assert.StartsWith("unknown setting memory.polcy; known settings: memory.overcommit_ratio", HostSettings.Apply(new HostOptions(), "memory.polcy", "off").Error!.Message, StringComparison.Ordinal);
        Assert.Contains("expected `key = value`", HostSettings.Load(Write("x.conf", "memory.policy balance\n"), new HostOptions()).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheExampleSettingsFile_SaysWhatTheDefaultsAre()
    {
        HostOptions example = HostSettings.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "hospesd.conf"), new HostOptions { Memory = new MemorySettings { Policy = MemoryPolicyMode.Off } }).Value;
        Assert.Equal(new HostOptions(), example);
    }

    [Theory]
    [InlineData(24L * 1024, 1228)] // 5 %
    [InlineData(4L * 1024, 512)] // at least 512 MiB
    [InlineData(256L * 1024, 2048)] // at most 2 GiB
    public void DefaultReserve_IsFivePercentOfRam_Between512MiBAnd2GiB(long ramMib, long reserveMib) =>
        Assert.Equal(reserveMib, new MemorySettings().ReserveBytes(ramMib * Mib) / Mib);

    [Fact]
    public void HostMemory_IsMeminfo_WhenNoCgroupLimitApplies()
    {
        HostMemorySample m = Reader(cgroupV1Limit: null).Read();
        Assert.Equal((24000L * 1024, 20000L * 1024, 18000L * 1024, (long?)null), (m.TotalBytes / 1024, m.AvailableBytes / 1024, m.FreeBytes / 1024, m.CgroupLimitBytes));
        Assert.Equal(1.5, m.PressureAvg10);
    }

    [Fact]
    public void HostMemory_IsTheCgroupLimit_WhenItIsLower_AndItsHeadroomCountsInactiveFileAsAvailable()
    {
        // v1: 8 GiB limit, 3 GiB charged of which 1 GiB inactive file cache: 6 GiB headroom.
        HostMemorySample v1 = Reader(cgroupV1Limit: 8L << 30, usage: 3L << 30, inactive: 1L << 30).Read();
        Assert.Equal((8L << 30, 6L << 30, (long?)(8L << 30)), (v1.TotalBytes, v1.AvailableBytes, v1.CgroupLimitBytes));

        // v2: the parent's limit is the tighter one.
        string cg = Path.Combine(_root, "cg2");
        Directory.CreateDirectory(Path.Combine(cg, "lab", "hospes"));
        File.WriteAllText(Path.Combine(cg, "cgroup.controllers"), "cpu memory");
        File.WriteAllText(Path.Combine(cg, "lab", "memory.max"), (4L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(cg, "lab", "memory.current"), (1L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(cg, "lab", "hospes", "memory.max"), "max");
        File.WriteAllText(Path.Combine(cg, "lab", "hospes", "memory.current"), "0");
        File.WriteAllText(Path.Combine(_root, "proc", "self", "cgroup"), "0::/lab/hospes\n");
        HostMemorySample v2 = new HostMemoryReader(Path.Combine(_root, "proc"), cg).Read();
        Assert.Equal((4L << 30, 3L << 30), (v2.TotalBytes, v2.AvailableBytes));
    }

    [Fact]
    public void GuestUse_LeavesOutTheBalloon_WhichDeflateOnOomGuestsStillCountInTheirTotal()
    {
        var stats = new BalloonStats(TotalBytes: 480 * Mib, FreeBytes: 170 * Mib, AvailableBytes: 190 * Mib, DiskCachesBytes: 20 * Mib, UpdatedAt: DateTimeOffset.UnixEpoch);

        // Booted with 512, ballooned to 256: the guest's total of 480 still holds the 256 MiB balloon.
        var ballooned = new VmMemoryState { BootedMib = 512, ActualBytes = 256 * Mib, Stats = stats };
        Assert.Equal(34 * Mib, ballooned.GuestUsedBytes);

        // Not ballooned: used is total less available.
        var full = new VmMemoryState { BootedMib = 512, ActualBytes = 512 * Mib, Stats = stats };
        Assert.Equal(290 * Mib, full.GuestUsedBytes);
        Assert.Null(new VmMemoryState { BootedMib = 512 }.GuestUsedBytes);
    }

    [Fact]
    public void BalloonFloor_IsWhatTheGuestUsesPlusAnEighth_AtLeast32MiBMore_AndNeverBelow64()
    {
        Assert.Equal(64, Balloons.FloorMib(null));
        Assert.Equal(64, Balloons.FloorMib(10 * Mib));
        Assert.Equal(132, Balloons.FloorMib(100 * Mib));
        Assert.Equal(1152, Balloons.FloorMib(1024 * Mib));
    }

    [Fact]
    public void BalloonState_FollowsTheDriver()
    {
        Assert.Equal(BalloonState.Off, VmMemoryState.None.Balloon);
        Assert.Equal(BalloonState.NoDriver, new VmMemoryState { BootedMib = 256 }.Balloon);
        var ready = new BalloonDriver(Ready: true, FreePageReporting: true, Statistics: true, DeflateOnOom: true);
        Assert.Equal(BalloonState.Active, new VmMemoryState { BootedMib = 256, Driver = ready }.Balloon);
        Assert.Equal(BalloonState.Unresponsive, new VmMemoryState { BootedMib = 256, Driver = ready, Unresponsive = true }.Balloon);
    }

    private HostMemoryReader Reader(long? cgroupV1Limit, long usage = 0, long inactive = 0)
    {
        string proc = Path.Combine(_root, "proc");
        Directory.CreateDirectory(Path.Combine(proc, "self"));
        Directory.CreateDirectory(Path.Combine(proc, "pressure"));
        File.WriteAllText(Path.Combine(proc, "meminfo"), "MemTotal:       24576000 kB\nMemFree:        18432000 kB\nMemAvailable:   20480000 kB\nBuffers:          1024 kB\n");
        File.WriteAllText(Path.Combine(proc, "pressure", "memory"), "some avg10=1.50 avg60=0.00 avg300=0.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        File.WriteAllText(Path.Combine(proc, "self", "cgroup"), "5:cpu:/\n4:memory:/lab\n0::/\n");
        string cg = Path.Combine(_root, "cg1");
        string lab = Path.Combine(cg, "memory", "lab");
        Directory.CreateDirectory(lab);
        File.WriteAllText(Path.Combine(cg, "memory", "memory.limit_in_bytes"), "9223372036854771712");
        File.WriteAllText(Path.Combine(cg, "memory", "memory.usage_in_bytes"), "1");
        File.WriteAllText(Path.Combine(lab, "memory.limit_in_bytes"), (cgroupV1Limit ?? 9223372036854771712L).ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(lab, "memory.usage_in_bytes"), usage.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(lab, "memory.stat"), $"cache 5\ntotal_inactive_file {inactive}\n");
        return new HostMemoryReader(proc, cg);
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }
}
