using Hospes.Testing;

namespace Hospes.Integration.Tests.Config;

/// <summary>`hospes config check` through the real hospesd: what define refuses it reports, and notes only with --verbose.</summary>
public sealed class XenConfigCheckTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task ConfigCheck_ReportsAMissingBridge_AsCreateRefusesIt()
    {
        string cfg = _d.WriteConfig("lan.cfg", Guest.Config("lan", "vif = [ 'bridge=nosuchbr0' ]"));
        const string Missing = "vif 'bridge=nosuchbr0': there is no network or host bridge named 'nosuchbr0'";

        CliResult check = (await _d.CliAsync("config", "check", cfg)).Ok();
        CliResult create = await _d.CliAsync("create", cfg);

        Assert.Contains($"warning: {Missing}", check.Stderr, StringComparison.Ordinal);
        create.Fails();
        Assert.Contains($"error: {Missing}", create.Stderr, StringComparison.Ordinal);
        Assert.Empty(await _d.ListAsync());
    }

    [Fact]
    public async Task ConfigCheck_ShowsNotesForSettingsThatChangeNothing_OnlyWhenVerbose()
    {
        string cfg = _d.WriteConfig("quiet.cfg", Guest.Config("quiet", "device_model_version = 'qemu-xen'\nviridian = 0\nlocaltime = 0"));

        CliResult plain = (await _d.CliAsync("config", "check", cfg)).Ok();
        CliResult verbose = (await _d.CliAsync("config", "check", cfg, "--verbose")).Ok();

        Assert.Equal("", plain.Stderr);
        Assert.Contains("note: device_model_version: nothing to do under QEMU: Hospes runs and configures its own QEMU", verbose.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("viridian", verbose.Stderr, StringComparison.Ordinal);
    }
}
