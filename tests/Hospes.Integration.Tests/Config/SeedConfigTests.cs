using System.Text.Json;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Config;

/// <summary>The Xen configs this project descends from, through the real CLI.</summary>
public sealed class SeedConfigTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public static TheoryData<string> Seeds => ["SL4.7_001.cfg", "ce.ngc6475.cfg", "se.ngc6475.cfg", "test-SE.cfg"];

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task ConfigCheck_AcceptsEachSeed_WithWarningsForWhatCannotApplyHere(string seed)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "seed-configs", seed);

        CliResult r = (await _d.CliAsync("config", "check", path)).Ok();

        Assert.Contains("warning:", r.Stderr, StringComparison.Ordinal);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(path)}:\d+(:\d+)?: warning: ", r.Stderr);
        Assert.Contains("name = ", r.Stdout, StringComparison.Ordinal);

        CliResult json = (await _d.CliAsync("config", "check", path, "--format", "json")).Ok();
        using JsonDocument doc = JsonDocument.Parse(json.Stdout);
        Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.NotEmpty(doc.RootElement.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal(Path.GetFileNameWithoutExtension(seed), doc.RootElement.GetProperty("spec").GetProperty("name").GetString());
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Create_OfASeed_IsRefusedForWhatCannotRunHere_AndCreatesNothing(string seed)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "seed-configs", seed);

        CliResult r = await _d.CliAsync("create", path);

        r.Fails();
        Assert.Contains("error:", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(await _d.ListAsync());
        Assert.Empty(_d.Qemus());
    }

    [Fact]
    public async Task HostInfo_ShowsQemuAndWhyThisAccelerator()
    {
        CliResult r = (await _d.CliAsync("host", "info")).Ok();
        Assert.Matches(@"QEMU:\s+(9|\d\d)\.\d+\.\d+", r.Stdout);
        Assert.Matches(@"Accelerator:\s+(tcg|kvm)", r.Stdout);
        Assert.Matches(@"Why:\s+\S", r.Stdout);

        using JsonDocument doc = JsonDocument.Parse((await _d.CliAsync("host", "info", "--format", "json")).Ok().Stdout);
        string accel = doc.RootElement.GetProperty("accelerator").GetString()!;
        string why = doc.RootElement.GetProperty("accelerator_reason").GetString()!;
        if (File.Exists("/dev/kvm") && accel == "tcg")
        {
            Assert.Contains("/dev/kvm exists but", why, StringComparison.Ordinal);
        }

        Assert.True(doc.RootElement.GetProperty("tcg_probe_s").GetDouble() > 0);
    }

    [Fact]
    public void TheTinyImage_IsBuiltOnce_AndNotRebuiltWhenNothingChanged()
    {
        Assert.Contains("image 'tiny' built", image.FirstBuild!.Stdout, StringComparison.Ordinal);
        Assert.Contains("image 'tiny' is up to date", image.SecondBuild!.Stdout, StringComparison.Ordinal);
    }
}
