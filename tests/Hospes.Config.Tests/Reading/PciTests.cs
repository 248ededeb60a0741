using Hospes.Config.Tests.TestSupport;

namespace Hospes.Config.Tests.Reading;

public sealed class PciTests
{
    private static ConfigReadResult ReadPci(FakeHost host, bool strict, params string[] devices)
    {
        string list = string.Join(", ", devices.Select(d => $"'{d}'"));
        return Configs.Read($"name = 'web'\nkernel = '/boot/vmlinuz'\npci = [ {list} ]\n", host, strict, path: "web.cfg");
    }

    private static FakeHost HostWithDevice()
    {
        FakeHost host = Configs.Host();
        host.PciDevices.Add("0000:06:02.0");
        return host;
    }

    [Theory]
    [InlineData("0000:06:02.0")]
    [InlineData("06:02.0")]
    [InlineData("06.02.0")]
    [InlineData("6:2.0")]
    [InlineData("0000:06:02.0,permissive=1")]
    [InlineData("06:02.0@3")]
    public void Read_PciAddressForm_IsNormalized(string text)
    {
        ConfigReadResult result = ReadPci(HostWithDevice(), strict: true, text);

        Assert.Equal(["0000:06:02.0"], result.Spec!.PciDevices);
    }

    [Fact]
    public void Read_PciOptionsAndSlot_AreIgnoredWithWarnings()
    {
        ConfigReadResult result = ReadPci(HostWithDevice(), strict: true, "06:02.0@3,permissive=1,msitranslate=1");

        Assert.Equal(
        [
            "pci '06:02.0@3,permissive=1,msitranslate=1': the guest slot (@...) is ignored; Hospes chooses guest PCI slots",
            "pci '06:02.0@3,permissive=1,msitranslate=1': option 'permissive=1' is Xen-only, ignored",
            "pci '06:02.0@3,permissive=1,msitranslate=1': option 'msitranslate=1' is Xen-only, ignored",
        ],
            result.Messages());
    }

    [Theory]
    [InlineData("zz", "'zz' is not a PCI address; write DDDD:BB:DD.F or BB:DD.F, e.g. '0000:06:02.0'")]
    [InlineData("06:20.0", "'06:20.0' has device number 20; PCI devices go up to 1f")]
    [InlineData("06:02.8", "'06:02.8' is not a PCI address; write DDDD:BB:DD.F or BB:DD.F, e.g. '0000:06:02.0'")]
    [InlineData("06:02.*", "'06:02.*' names all functions ('*'); list each function, e.g. '0000:06:02.0', '0000:06:02.1'")]
    public void Read_BadPciAddress_IsAnError(string text, string problem)
    {
        ConfigReadResult result = ReadPci(HostWithDevice(), strict: false, text);

        Assert.Equal([$"web.cfg:3:9: error: pci '{text}': {problem}"], result.Errors());
    }

    [Fact]
    public void Read_PciDeviceListedTwice_IsAnError()
    {
        ConfigReadResult result = ReadPci(HostWithDevice(), strict: false, "06.02.0", "0000:06:02.0");

        Assert.Equal(["web.cfg:3:20: error: pci '0000:06:02.0': device 0000:06:02.0 is listed twice; remove one entry"], result.Errors());
    }

    [Fact]
    public void Read_PciDeviceAbsentFromHost_IsAHostProblem()
    {
        ConfigReadResult lenient = ReadPci(Configs.Host(), strict: false, "06.02.0");
        ConfigReadResult strict = ReadPci(Configs.Host(), strict: true, "06.02.0");

        string message = "pci '06.02.0': device 0000:06:02.0 is not present on this host (no /sys/bus/pci/devices/0000:06:02.0); remove it or run the guest where the device is";
        Assert.Equal([$"web.cfg:3:9: warning: {message}"], lenient.Warnings());
        Assert.Equal([$"web.cfg:3:9: error: {message}"], strict.Errors());
        Assert.True(Assert.Single(strict.Diagnostics).HostDependent);
    }

    [Fact]
    public void Read_PciWithPvGuest_IsAccepted()
    {
        ConfigReadResult result = ReadPci(HostWithDevice(), strict: true, "06.02.0");

        Assert.Equal(Hospes.Core.Vms.BootMode.Pv, result.Spec!.Boot);
        Assert.Empty(result.Diagnostics);
    }
}
