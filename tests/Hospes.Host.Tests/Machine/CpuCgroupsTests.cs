using Hospes.Host.Machine;

namespace Hospes.Host.Tests.Machine;

public sealed class CpuCgroupsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hospes-cgroups-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(256, 1024, 100)]
    [InlineData(512, 2048, 200)]
    [InlineData(128, 512, 50)]
    [InlineData(1, 4, 1)]
    [InlineData(65535, 262140, 10000)]
    public void XenWeight_MapsToSharesAndWeight_With256AsTheDefault(int xen, int shares, int weight)
    {
        Assert.Equal(shares, CpuCgroups.V1Shares(xen));
        Assert.Equal(weight, CpuCgroups.V2Weight(xen));
    }

    [Fact]
    public void Cap_IsAPercentageOfOneCpu_ZeroOrNoneIsUnlimited()
    {
        Assert.Equal((20_000, "20000 100000"), (CpuCgroups.V1Quota(20), CpuCgroups.V2Max(20)));
        Assert.Equal((200_000, "200000 100000"), (CpuCgroups.V1Quota(200), CpuCgroups.V2Max(200)));
        Assert.Equal((-1, "max 100000"), (CpuCgroups.V1Quota(0), CpuCgroups.V2Max(0)));
        Assert.Equal((-1, "max 100000"), (CpuCgroups.V1Quota(null), CpuCgroups.V2Max(null)));
    }

    [Fact]
    public void Find_PrefersCgroupV2WithTheCpuController()
    {
        string v2 = Directory.CreateDirectory(Path.Combine(_dir, "unified")).FullName;
        File.WriteAllText(Path.Combine(v2, "cgroup.controllers"), "cpuset cpu io memory pids\n");
        string mounts = Mounts($"cgroup2 {v2} cgroup2 rw,relatime 0 0", $"cgroup {_dir}/cpu cgroup rw,relatime,cpu 0 0");

        (CgroupKind kind, string root, _) = CpuCgroups.Find(mounts, "/var/lib/hospes");

        Assert.Equal(CgroupKind.V2, kind);
        Assert.StartsWith(Path.Combine(v2, "hospes-"), root, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_TakesTheV1CpuHierarchy_WhenCgroupV2HasNoCpuController()
    {
        string v2 = Directory.CreateDirectory(Path.Combine(_dir, "unified")).FullName;
        File.WriteAllText(Path.Combine(v2, "cgroup.controllers"), "");
        string mounts = Mounts($"cgroup2 {v2} cgroup2 rw,relatime 0 0", $"cgroup {_dir}/cpuacct cgroup rw,cpuacct 0 0", $"cgroup {_dir}/cpu cgroup rw,relatime,cpu 0 0");

        (CgroupKind kind, string root, _) = CpuCgroups.Find(mounts, "/var/lib/hospes");

        Assert.Equal(CgroupKind.V1, kind);
        Assert.StartsWith($"{_dir}/cpu/hospes-", root, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_TwoStateDirs_GetTwoGroups()
    {
        string mounts = Mounts($"cgroup {_dir}/cpu cgroup rw,cpu 0 0");

        Assert.NotEqual(CpuCgroups.Find(mounts, "/var/lib/a").Root, CpuCgroups.Find(mounts, "/var/lib/b").Root);
    }

    [Fact]
    public void Find_WithoutACpuController_SaysWhatToMount()
    {
        string mounts = Mounts($"cgroup {_dir}/memory cgroup rw,memory 0 0", "proc /proc proc rw 0 0");

        (CgroupKind kind, _, string? problem) = CpuCgroups.Find(mounts, "/var/lib/hospes");

        Assert.Equal(CgroupKind.None, kind);
        Assert.Contains("no cgroup hierarchy with the cpu controller", problem, StringComparison.Ordinal);
        Assert.Contains("mount -t cgroup -o cpu", problem, StringComparison.Ordinal);
    }

    private string Mounts(params string[] lines)
    {
        string path = Path.Combine(_dir, "mounts");
        File.WriteAllLines(path, lines);
        return path;
    }
}
