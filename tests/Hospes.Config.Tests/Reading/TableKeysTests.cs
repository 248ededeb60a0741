using Hospes.Config.Tests.TestSupport;

namespace Hospes.Config.Tests.Reading;

public sealed class TableKeysTests
{
    private static ConfigReadResult Read(string lines) => Configs.Read(Configs.Minimal + lines + "\n", Configs.Host(), path: "web.cfg");

    [Theory]
    [InlineData("selinux = 0")]
    [InlineData("seclabel = 'system_u:system_r:domU_t'")]
    [InlineData("pool = 'Pool-0'")]
    [InlineData("shadow_memory = 8")]
    [InlineData("xen_platform_pci = 1")]
    [InlineData("hap = 1")]
    [InlineData("device_model_version = 'qemu-xen'")]
    [InlineData("tsc_mode = 'default'")]
    [InlineData("pae = 1")]
    [InlineData("nographic = 1")]
    [InlineData("vncunused = 1")]
    public void Read_KeyMeaninglessUnderQemu_GivesOnlyANote(string line)
    {
        ConfigReadResult result = Read(line);

        string key = line.Split(' ')[0];
        Assert.NotNull(result.Spec);
        ConfigDiagnostic note = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Note, note.Severity);
        Assert.StartsWith($"web.cfg:3:1: note: {key}: nothing to do under QEMU: ", note.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("viridian = 1", "viridian: not available here: the guest gets no Hyper-V enlightenments (Windows guests run without them, more slowly)")]
    [InlineData("vtpm = [ 'backend=vtpmdom' ]", "vtpm: not available here: the guest gets no TPM")]
    [InlineData("sdl = 1", "sdl: not available here: PV and PVH guests get no framebuffer console; use hospes console (type = 'hvm' guests get VNC)")]
    [InlineData("vnc = 1", "vnc: not available here: PV and PVH guests get no framebuffer console; use hospes console (type = 'hvm' guests get VNC)")]
    [InlineData("channel = [ 'name=org.qemu.guest_agent.0' ]", "channel: not available here: the guest gets no channel device (e.g. no guest-agent port)")]
    [InlineData("on_watchdog = 'destroy'", "on_watchdog: not available here: the guest has no watchdog device, so no watchdog action is taken")]
    public void Read_KeyImpossibleHere_WarnsOnceWhatTheGuestLacks(string line, string warning)
    {
        ConfigReadResult result = Read(line);

        Assert.NotNull(result.Spec);
        ConfigDiagnostic only = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, 3, 1, warning), (only.Severity, only.Line, only.Column, only.Message));
    }

    [Theory]
    [InlineData("viridian = 0")]
    [InlineData("sdl = 0")]
    [InlineData("vnc = 0")]
    [InlineData("vtpm = []")]
    [InlineData("serial = 'none'")]
    [InlineData("serial = 'pty'")]
    [InlineData("serial = [ 'pty', 'none' ]")]
    public void Read_ImpossibleKeyTurnedOff_NeedsNoWarning(string line)
    {
        Assert.Empty(Read(line).Diagnostics);
    }

    [Fact]
    public void Read_SettingsThatChangeNothingUnderQemu_GiveNoWarningAtAll()
    {
        ConfigReadResult result = Read(
            """
            localtime = 0
            serial = 'none'
            viridian = 0
            device_model_version = 'qemu-xen'
            device_model_override = '/usr/lib/xen/bin/qemu-system-i386'
            xen_platform_pci = 1
            pae = 1
            hap = 1
            nomigrate = 0
            vfb = []
            vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0,script=vif-bridge,type=vif' ]
            disk = [ 'phy:/images/web.img,xvda,w,backendtype=phy,discard' ]
            """);

        Assert.NotNull(result.Spec);
        Assert.Empty(result.Warnings());
        Assert.Empty(result.Errors());
        Assert.Equal(9, result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Note));
    }

    [Theory]
    [InlineData("serial = 'file:/tmp/ttyS0'", "serial 'file:/tmp/ttyS0': the guest's first serial port is its console (hospes console), not this back-end")]
    [InlineData("serial = [ 'pty', 'tcp::4555,server' ]", "serial 'tcp::4555,server': the guest gets only one serial port (its console); this further port is not added")]
    public void Read_SerialBackEndOtherThanTheConsole_Warns(string line, string warning)
    {
        Assert.Equal([warning], Read(line).Messages());
    }

    [Fact]
    public void Read_OnShutdown_IsXmdomainsNameForOnPoweroff()
    {
        Assert.Equal(Core.Vms.LifecycleAction.Preserve, Read("on_shutdown = 'preserve'").Spec!.OnPoweroff);
        Assert.Equal(Core.Vms.LifecycleAction.Restart, Read("on_shutdown = 'preserve'\non_poweroff = 'restart'").Spec!.OnPoweroff);
    }

    [Fact]
    public void Read_UnknownKey_WarnsAndSuggestsTheNearestKnownOne()
    {
        ConfigReadResult result = Read("vpcus = 2\nfrobnicate = 1");

        Assert.NotNull(result.Spec);
        Assert.Equal(
        [
            "web.cfg:3:1: warning: vpcus: unknown key, ignored; did you mean vcpus?",
            "web.cfg:4:1: warning: frobnicate: unknown key, ignored",
        ],
            result.Warnings());
    }
}
