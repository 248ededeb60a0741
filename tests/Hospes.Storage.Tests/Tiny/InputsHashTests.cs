using Hospes.Storage.Tiny;
using Hospes.Storage.Tiny.Apt;
using Hospes.Storage.Tiny.Initramfs;

namespace Hospes.Storage.Tests.Tiny;

public sealed class InputsHashTests
{
    private static readonly GuestFile[] Files = [new("etc/rc", 0b111_101_101, "#!/bin/sh\n"), new("etc/inittab", 0b110_100_100, "::sysinit:/etc/rc\n")];

    private static readonly DebPackage[] Packages = [Package("dropbear-bin", "2022.83-1+deb12u3"), Package("libc6", "2.36-9+deb12u14")];

    private static string Hash(
        string kernelVersion = "6.1.192-2",
        string busyboxVersion = "1:1.35.0-4",
        DebPackage[]? packages = null,
        string[]? modules = null,
        GuestFile[]? files = null) =>
        InputsHash.Compute(
            "linux-image-6.1.0-56-cloud-amd64", kernelVersion, busyboxVersion, packages ?? Packages, modules ?? ["virtio", "virtio_blk"], files ?? Files);

    [Fact]
    public void Compute_SameInputs_GivesSameHash() => Assert.Equal(Hash(), Hash());

    [Fact]
    public void Compute_IsLowerCaseSha256Hex() => Assert.Matches("^[0-9a-f]{64}$", Hash());

    [Fact]
    public void Compute_FileAndPackageOrder_DoesNotMatter()
    {
        Assert.Equal(Hash(), Hash(files: [.. Files.Reverse()]));
        Assert.Equal(Hash(), Hash(packages: [.. Packages.Reverse()]));
    }

    [Fact]
    public void Compute_AnyInputChanged_GivesDifferentHash()
    {
        string[] hashes =
        [
            Hash(),
            Hash(kernelVersion: "6.1.193-1"),
            Hash(busyboxVersion: "1:1.36.1-9"),
            Hash(packages: [Packages[0], Package("libc6", "2.36-9+deb12u15")]),
            Hash(packages: [.. Packages, Package("libgmp10", "2:6.2.1+dfsg1-1.1")]),
            Hash(modules: ["virtio", "virtio_blk", "virtio_net"]),
            Hash(files: [Files[0] with { Content = "#!/bin/sh\n# changed\n" }, Files[1]]),
            Hash(files: [Files[0] with { Mode = 0b110_100_100 }, Files[1]]),
        ];

        Assert.Equal(hashes.Length, hashes.Distinct().Count());
    }

    private static DebPackage Package(string name, string version) =>
        new() { Name = name, Version = version, Architecture = "amd64", Sha256 = new string('0', 64) };
}
