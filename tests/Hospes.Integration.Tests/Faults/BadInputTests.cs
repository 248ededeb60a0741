using Hospes.Testing;

namespace Hospes.Integration.Tests.Faults;

/// <summary>Each bad input gets one clear error and leaves nothing behind.</summary>
public sealed class BadInputTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Theory]
    [InlineData("start")]
    [InlineData("pause")]
    [InlineData("unpause")]
    [InlineData("destroy")]
    [InlineData("shutdown")]
    [InlineData("reboot")]
    [InlineData("info")]
    [InlineData("delete")]
    [InlineData("console")]
    public async Task AnUnknownVm_IsNamedInTheError(string verb)
    {
        string reason = (await _d.CliAsync(verb, "ghost")).Fails();
        Assert.Equal("hospes: no VM named 'ghost' on this host; `hospes list` shows the VMs", reason);
    }

    [Fact]
    public async Task MemoryThatIsNotANumber_IsReportedWithFileLineAndColumn()
    {
        string cfg = _d.WriteConfig("bad.cfg", "name = \"web\"\nkernel = \"image:tiny\"\nmemory = \"lots\"\n");

        CliResult r = await _d.CliAsync("create", cfg);

        r.Fails();
        Assert.Contains($"{cfg}:3:10: error: memory:", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("'lots'", r.Stderr, StringComparison.Ordinal);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task EveryProblemOfAFile_IsReportedInOneRun()
    {
        string cfg = _d.WriteConfig("bad.cfg", "name = \"web\"\nkernel = \"image:tiny\"\nmemory = lots\nvcpus = 0\non_crash = 'explode'\ndisk = [ 'phy:/dev/nonexistent-disk,xvda,w' ]\n");

        CliResult r = await _d.CliAsync("create", cfg);

        r.Fails();
        Assert.Contains($"{cfg}:3:", r.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{cfg}:4:", r.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{cfg}:5:", r.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{cfg}:6:", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("/dev/nonexistent-disk", r.Stderr, StringComparison.Ordinal);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task AMissingKernel_IsRefusedNamingThePath()
    {
        string cfg = _d.WriteConfig("bad.cfg", "name = \"web\"\nkernel = \"/nonexistent/vmlinuz\"\n");

        CliResult r = await _d.CliAsync("create", cfg);

        r.Fails();
        Assert.Contains("/nonexistent/vmlinuz", r.Stderr, StringComparison.Ordinal);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task MoreVcpusThanTheHostHas_IsRefused()
    {
        string cfg = _d.WriteConfig("bad.cfg", Guest.Config("web").Replace("vcpus = 1", $"vcpus = {Environment.ProcessorCount + 1}", StringComparison.Ordinal));

        CliResult r = await _d.CliAsync("create", cfg);

        r.Fails();
        Assert.Contains("vcpus", r.Stderr, StringComparison.Ordinal);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task MalformedSyntax_IsReportedWithPositions()
    {
        string cfg = _d.WriteConfig("bad.cfg", "name = \"web\nmemory = [ 1, 2\n");

        CliResult r = await _d.CliAsync("create", cfg);

        r.Fails();
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(cfg)}:1:\d+: error: ", r.Stderr);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task AConfigThatCannotBeRead_IsNamed()
    {
        Assert.Contains("cannot read config file", (await _d.CliAsync("create", Path.Combine(_d.Dir, "missing.cfg"))).Fails(), StringComparison.Ordinal);
        Assert.Contains("is a folder", (await _d.CliAsync("create", _d.Dir)).Fails(), StringComparison.Ordinal);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task ACreateThatQemuRefuses_LeavesNoProcessSocketFolderOrRow()
    {
        string disk = Path.Combine(_d.Dir, "not-qcow2.img");
        await File.WriteAllBytesAsync(disk, new byte[1024 * 1024]);
        string cfg = _d.WriteConfig("web.cfg", Guest.Config("web", $"disk = [ '{disk},qcow2,xvda,w' ]"));

        string reason = (await _d.CliAsync("create", cfg)).Fails();

        Assert.Contains("QEMU refused to start", reason, StringComparison.Ordinal);
        Assert.Contains("qcow2", reason, StringComparison.Ordinal);
        Assert.EndsWith("nothing was created", reason, StringComparison.Ordinal);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task ADaemonThatIsNotRunning_IsNamedWithTheSocket()
    {
        CliResult r = await Run.ProcessAsync(Repo.Hospes, ["list"], new Dictionary<string, string> { ["HOSPES_SOCKET"] = "/tmp/no-such-hospesd.sock" });

        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("hospes: cannot reach hospesd at /tmp/no-such-hospesd.sock", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownCommand_IsAUsageError()
    {
        CliResult r = await _d.CliAsync("frobnicate");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("frobnicate", r.Stderr, StringComparison.Ordinal);
    }

    private async Task AssertNothingLeftAsync()
    {
        Assert.Empty(await _d.ListAsync());
        Assert.Empty(_d.Qemus());
        Assert.Empty(_d.RuntimeFiles());
        Assert.Empty(_d.VmDirs());
    }
}
