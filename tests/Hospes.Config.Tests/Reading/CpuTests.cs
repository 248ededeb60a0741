using Hospes.Config.Tests.TestSupport;

namespace Hospes.Config.Tests.Reading;

public sealed class CpuTests
{
    private static ConfigReadResult Read(string lines, bool strict = false, int cpus = 4) =>
        Configs.Read($"name = 'web'\nkernel = '/boot/vmlinuz'\n{lines}\n", new FakeHost { CpuCount = cpus }.With("/boot/vmlinuz"), strict, path: "web.cfg");

    [Theory]
    [InlineData("cpus = ''", null)]
    [InlineData("cpus = 'all'", null)]
    [InlineData("cpus = '1'", "1")]
    [InlineData("cpus = 2", "2")]
    [InlineData("cpus = '0-1'", "0-1")]
    [InlineData("cpus = '0,2-3'", "0,2-3")]
    [InlineData("cpus = '3,0,1'", "0-1,3")]
    [InlineData("cpus = '^1'", "0,2-3")]
    [InlineData("cpus = 'all,^0'", "1-3")]
    [InlineData("cpus = '0-3,^1-2'", "0,3")]
    [InlineData("cpus = ['0', '1']", "0-1")]
    [InlineData("cpus = ['2', '0-1']", "0-2")]
    public void Read_Cpus_IsNormalizedToACpuList(string line, string? expected)
    {
        ConfigReadResult result = Read(line);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(expected, result.Spec!.CpuAffinity);
    }

    [Theory]
    [InlineData("cpus = '0-1,x'", "cpus: '0-1,x': 'x' is not a CPU number or range; write e.g. '0-3,^1'")]
    [InlineData("cpus = '3-1'", "cpus: '3-1': '3-1' is not a CPU number or range; write e.g. '0-3,^1'")]
    [InlineData("cpus = '0,,1'", "cpus: '0,,1': has an empty entry; separate CPU numbers and ranges with single commas")]
    [InlineData("cpus = '0-1,^0-1'", "cpus: '0-1,^0-1': leaves no CPU to run on")]
    public void Read_BadCpus_IsAnError(string line, string message)
    {
        ConfigReadResult result = Read(line);

        Assert.Equal([message], result.Messages());
        Assert.True(result.HasErrors);
    }

    [Fact]
    public void Read_CpusBeyondTheHost_IsAHostProblem()
    {
        ConfigReadResult result = Read("cpus = '2-5'", strict: true);

        ConfigDiagnostic error = Assert.Single(result.Diagnostics);
        Assert.True(error.HostDependent);
        Assert.Equal("web.cfg:3:8: error: cpus: CPU 4-5 does not exist on this host (it has CPUs 0-3); change cpus or remove it", error.ToString());
    }

    [Fact]
    public void Read_NumaNodeAffinity_IsIgnoredWithAWarning()
    {
        ConfigReadResult result = Read("cpus = 'nodes:0'");

        Assert.Null(result.Spec!.CpuAffinity);
        Assert.Equal(["cpus: NUMA node affinity 'nodes:0' is not supported yet and is ignored; list host CPUs instead, e.g. cpus = '0-3'"], result.Messages());
    }

    [Fact]
    public void Read_VcpusAndMaxvcpus_AreRead()
    {
        ConfigReadResult result = Read("vcpus = 2\nmaxvcpus = 4");

        Assert.Equal((2, 4), (result.Spec!.Vcpus, result.Spec.MaxVcpus));
    }

    [Theory]
    [InlineData("vcpus = 0", "vcpus: 0 is not a usable number of virtual CPUs; write at least 1, e.g. vcpus = 2")]
    [InlineData("vcpus = 'two'", "vcpus: 'two' is not a number of virtual CPUs; write e.g. vcpus = 2")]
    [InlineData("vcpus = 2\nmaxvcpus = 1", "maxvcpus: 1 is below vcpus (2); raise maxvcpus to at least vcpus or remove it")]
    public void Read_BadVcpus_IsAnError(string lines, string message)
    {
        ConfigReadResult result = Read(lines);

        Assert.Equal([message], result.Messages());
        Assert.True(result.HasErrors);
    }

    [Fact]
    public void Read_MoreVcpusThanHostCpus_IsAHostProblem()
    {
        ConfigReadResult lenient = Read("vcpus = 8\nmaxvcpus = 16", cpus: 4);
        ConfigReadResult strict = Read("vcpus = 8", strict: true, cpus: 4);

        Assert.Equal(
        [
            "web.cfg:3:9: warning: vcpus: 8 virtual CPUs but this host has 4 CPUs; lower vcpus to at most 4",
            "web.cfg:4:12: warning: maxvcpus: 16 virtual CPUs but this host has 4 CPUs; lower maxvcpus to at most 4",
        ],
            lenient.Warnings());
        Assert.Equal(8, lenient.Spec!.Vcpus);
        Assert.Equal(["web.cfg:3:9: error: vcpus: 8 virtual CPUs but this host has 4 CPUs; lower vcpus to at most 4"], strict.Errors());
    }

    [Fact]
    public void Read_CpuWeightAndCap_AreHonouredWithoutAWarning()
    {
        ConfigReadResult result = Read("cpu_weight = 512\ncpu_cap = 50");

        Assert.Equal((512, 50), (result.Spec!.CpuWeight, result.Spec.CpuCap));
        Assert.Empty(result.Messages());
    }

    [Fact]
    public void Read_XlCapKey_IsAnAliasOfCpuCap()
    {
        ConfigReadResult result = Read("cap = 25");

        Assert.Equal(25, result.Spec!.CpuCap);
    }

    [Fact]
    public void Read_ZeroCap_MeansNoCapAndNeedsNoWarning()
    {
        ConfigReadResult result = Read("cpu_cap = 0");

        Assert.Equal(0, result.Spec!.CpuCap);
        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [InlineData("cpu_weight = 0", "cpu_weight: 0 is out of range; use 1 to 65535 (256 is the default)")]
    [InlineData("cpu_weight = 70000", "cpu_weight: 70000 is out of range; use 1 to 65535 (256 is the default)")]
    [InlineData("cpu_cap = -1", "cpu_cap: -1 is out of range; give a percentage of one CPU (100 = one full CPU) or 0 for no cap")]
    public void Read_BadScheduling_IsAnError(string line, string message)
    {
        Assert.Equal([message], Read(line).Messages());
    }
}
