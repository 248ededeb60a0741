using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests.Reading;

/// <summary>vga, stdvga, vnc, sdl, vfb and the vnc* keys that mean nothing once the display is hospesd's unix socket.</summary>
public sealed class DisplayKeysTests
{
    private const string Hvm = "name = 'win'\nbuilder = 'hvm'\nkernel = '/usr/lib/xen/boot/hvmloader'\n";

    private static ConfigReadResult Read(string text) => Configs.Read(text, Configs.Host(), path: "web.cfg");

    [Fact]
    public void Read_HvmGuest_GetsTheStandardVgaAndAVncDisplay_AsXlDefaults()
    {
        VmSpec spec = Read(Hvm).Spec!;

        Assert.Equal(("std", true), (spec.Vga, spec.Vnc));
    }

    [Theory]
    [InlineData("vga = 'cirrus'", "cirrus", true)]
    [InlineData("vga = 'stdvga'", "std", true)]
    [InlineData("stdvga = 1", "std", true)]
    [InlineData("vnc = 0", "std", false)]
    [InlineData("vnc = 0\nsdl = 1", "std", true)]
    [InlineData("vnc = 0\nvfb = [ 'type=vnc' ]", "std", true)]
    [InlineData("vga = 'none'", null, false)]
    public void Read_HvmDisplayKeys_ChooseTheCardAndTheDisplay(string lines, string? vga, bool vnc)
    {
        ConfigReadResult result = Read(Hvm + lines + "\n");

        Assert.Equal((vga, vnc), (result.Spec!.Vga, result.Spec.Vnc));
        Assert.Empty(result.Warnings());
    }

    [Fact]
    public void Read_VncNetworkKeys_AreNotesAboutTheUnixSocket()
    {
        ConfigReadResult result = Read(Hvm + "vnc = 1\nvnclisten = '0.0.0.0'\nvncdisplay = 1\nvncunused = 1\nvncpasswd = 'secret'\n");

        Assert.True(result.Spec!.Vnc);
        Assert.Empty(result.Warnings());
        Assert.Contains(result.Diagnostics, d => d.Message.StartsWith("vnclisten: nothing to do under QEMU: the VNC display is a unix socket hospesd owns", StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("vncpasswd", StringComparison.Ordinal) && d.Message.Contains("access control", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_UnknownCard_IsAnErrorNamingTheCardsThereAre()
    {
        ConfigReadResult result = Read(Hvm + "vga = 'matrox'\n");

        Assert.Null(result.Spec);
        Assert.Contains(result.Diagnostics, d => d.Message == "vga: 'matrox' is not a graphics card Hospes gives; use 'stdvga', 'cirrus' or 'none'");
    }

    [Fact]
    public void Read_PvGuestAskingForVnc_WarnsAndGetsNoDisplay()
    {
        ConfigReadResult result = Read(Configs.Minimal + "vfb = [ 'vnc=1,vnclisten=0.0.0.0' ]\n");

        Assert.Equal((null, false), (result.Spec!.Vga, result.Spec.Vnc));
        Assert.Contains(result.Warnings(), w => w.Contains("vfb: not available here: PV and PVH guests get no framebuffer console", StringComparison.Ordinal));
    }
}
