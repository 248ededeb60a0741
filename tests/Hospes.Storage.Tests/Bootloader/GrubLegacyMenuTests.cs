using Hospes.Storage.Bootloader;

namespace Hospes.Storage.Tests.Bootloader;

public sealed class GrubLegacyMenuTests
{
    [Fact]
    public void Parse_TitlesKernelsAndDefault()
    {
        BootMenu menu = GrubLegacyMenu.Parse("menu.lst", """
            default=1
            timeout 5
            # kopt=root=/dev/sda1 ro
            title CentOS (2.6.18-old)
                root (hd0,0)
                kernel /vmlinuz-2.6.18-old ro root=/dev/VolGroup00/LogVol00
                initrd /initrd-2.6.18-old.img
            title CentOS (2.6.18-new)
                root (hd0,0)
                kernel (hd0,0)/vmlinuz-2.6.18-new ro  root=LABEL=/ console=xvc0
                initrd /initrd-2.6.18-new.img
            title Other
                rootnoverify (hd0,1)
                chainloader +1
            """);

        Assert.Equal(["CentOS (2.6.18-old)", "CentOS (2.6.18-new)", "Other"], menu.Entries.Select(e => e.Title));
        BootMenuEntry chosen = menu.Select(null)!;
        Assert.Equal("CentOS (2.6.18-new)", chosen.Title);
        Assert.Equal("(hd0,0)/vmlinuz-2.6.18-new", chosen.Kernel);
        Assert.Equal("ro root=LABEL=/ console=xvc0", chosen.Args);
        Assert.Equal(["/initrd-2.6.18-new.img"], chosen.Initrds);
        Assert.Null(menu.Entries[2].Kernel);
    }

    [Fact]
    public void Parse_DefaultSaved_MeansTheFirstEntry()
    {
        BootMenu menu = GrubLegacyMenu.Parse("menu.lst", "default saved\ntitle A\nkernel /a\ntitle B\nkernel /b\n");

        Assert.Equal("A", menu.Select(null)?.Title);
    }
}
