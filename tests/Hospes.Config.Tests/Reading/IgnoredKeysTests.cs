using Hospes.Config.Tests.TestSupport;

namespace Hospes.Config.Tests.Reading;

public sealed class IgnoredKeysTests
{
    private static ConfigReadResult Read(string lines) => Configs.Read(Configs.Minimal + lines + "\n", Configs.Host(), path: "web.cfg");

    [Theory]
    [InlineData("selinux = 0")]
    [InlineData("seclabel = 'system_u:system_r:domU_t'")]
    [InlineData("pool = 'Pool-0'")]
    [InlineData("shadow_memory = 8")]
    [InlineData("xen_platform_pci = 1")]
    [InlineData("viridian = 1")]
    [InlineData("hap = 1")]
    [InlineData("localtime = 1")]
    [InlineData("device_model_version = 'qemu-xen'")]
    [InlineData("vfb = [ 'vnc=1' ]")]
    [InlineData("vkb = [ '' ]")]
    [InlineData("channel = [ 'name=org.qemu.guest_agent.0' ]")]
    [InlineData("cpuid = 'host,tm=0'")]
    [InlineData("on_watchdog = 'destroy'")]
    [InlineData("stdvga = 1")]
    [InlineData("videoram = 16")]
    [InlineData("usb = 1")]
    [InlineData("usbdevice = 'tablet'")]
    [InlineData("soundhw = 'hda'")]
    [InlineData("keymap = 'de'")]
    [InlineData("acpi = 0")]
    public void Read_XenOnlyKey_WarnsAtTheKey(string line)
    {
        ConfigReadResult result = Read(line);

        string key = line.Split(' ')[0];
        Assert.NotNull(result.Spec);
        Assert.Equal([$"web.cfg:3:1: warning: {key}: Xen-only, ignored"], result.Diagnostics.Select(d => d.ToString()));
    }

    [Theory]
    [InlineData("acpi = 1")]
    [InlineData("apic = 1")]
    [InlineData("pae = 1")]
    [InlineData("sdl = 0")]
    [InlineData("vnc = 0")]
    public void Read_SettingQemuAlreadyHas_NeedsNoWarning(string line)
    {
        Assert.Empty(Read(line).Diagnostics);
    }

    [Theory]
    [InlineData("sdl = 1", "sdl: there is no local display here; use hospes console")]
    [InlineData("vnc = 1", "vnc: VNC is not supported yet; hospes console gives the serial console")]
    [InlineData("serial = 'pty'", "serial is ignored: Hospes always connects the guest's first serial port to its own console (hospes console)")]
    public void Read_DisplayAndSerial_PointToHospesConsole(string line, string warning)
    {
        Assert.Equal([warning], Read(line).Messages());
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
