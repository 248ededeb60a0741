using Hospes.Storage.Tiny.Apt;

namespace Hospes.Storage.Tests.Tiny.Apt;

public sealed class DebControlTests
{
    private const string AptCacheShow = """
        Package: linux-image-cloud-amd64
        Source: linux-signed-amd64 (6.1.192+2)
        Version: 6.1.192-2
        Architecture: amd64
        Depends: linux-image-6.1.0-56-cloud-amd64 (= 6.1.192-2)
        Description: Linux for x86-64 cloud (meta-package)
         This package depends on the latest Linux kernel.
        SHA256: 00be21c0c17f08ddf26e82d3b53fe7a41efa4a288938da6bb69e89c4b25c281d

        Package: linux-image-cloud-amd64
        Version: 6.1.176-1

        """;

    [Fact]
    public void ParseStanza_ReadsOnlyTheFirstStanza()
    {
        var fields = DebControl.ParseStanza(AptCacheShow);

        Assert.Equal("6.1.192-2", fields["Version"]);
        Assert.Equal("linux-image-6.1.0-56-cloud-amd64 (= 6.1.192-2)", fields["depends"]);
        Assert.Equal("Linux for x86-64 cloud (meta-package)\nThis package depends on the latest Linux kernel.", fields["Description"]);
    }

    [Fact]
    public void ParseStanzas_ReadsEveryStanza()
    {
        var stanzas = DebControl.ParseStanzas(AptCacheShow);

        Assert.Equal(["6.1.192-2", "6.1.176-1"], stanzas.Select(s => s["Version"]));
        Assert.Equal("linux-image-cloud-amd64", stanzas[1]["Package"]);
    }

    [Fact]
    public void DependencyNames_DropVersionsArchitecturesAndKeepAlternatives() =>
        Assert.Equal(
            ["kmod", "linux-base", "initramfs-tools", "linux-initramfs-tool", "libc6"],
            DebControl.DependencyNames("kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, libc6:amd64"));

    [Fact]
    public void FileName_EscapesTheEpochLikeAptGetDownload()
    {
        var package = new DebPackage { Name = "busybox-static", Version = "1:1.35.0-4+deb12u1+b1", Architecture = "amd64", Sha256 = "" };

        Assert.Equal("busybox-static_1%3a1.35.0-4+deb12u1+b1_amd64.deb", package.FileName);
    }
}
