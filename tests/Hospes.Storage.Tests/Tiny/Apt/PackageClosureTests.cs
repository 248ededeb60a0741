using Hospes.Storage.Tiny.Apt;

namespace Hospes.Storage.Tests.Tiny.Apt;

public sealed class PackageClosureTests
{
    private static readonly Dictionary<string, DebPackage> Known = new[]
    {
        Package("dropbear-bin", depends: "libc6 (>= 2.34), libtomcrypt1 (>= 1.18.2), zlib1g | zlib-ng"),
        Package("libc6", depends: "libgcc-s1"),
        Package("libgcc-s1", depends: "gcc-12-base (= 12.2.0-14), libc6 (>= 2.35)"),
        Package("gcc-12-base"),
        Package("libtomcrypt1", depends: "libc6 (>= 2.14), libgmp10", preDepends: "libtommath1"),
        Package("libtommath1", depends: "libc6"),
        Package("libgmp10", depends: "libc6"),
        Package("zlib1g", depends: "libc6"),
        Package("zlib-ng"),
        Package("unrelated"),
    }.ToDictionary(p => p.Name);

    [Fact]
    public void Walk_FollowsDependsAndPreDependsToFirstAlternatives_InNameOrder()
    {
        var closure = PackageClosure.Walk("dropbear-bin", Known);

        Assert.True(closure.IsOk, closure.Error?.Message);
        Assert.Equal(
            ["dropbear-bin", "gcc-12-base", "libc6", "libgcc-s1", "libgmp10", "libtomcrypt1", "libtommath1", "zlib1g"],
            closure.Value.Select(p => p.Name));
    }

    [Fact]
    public void Walk_LeavesOutASkippedPackage_AndWhatOnlyItNeeds()
    {
        var closure = PackageClosure.Walk("dropbear-bin", Known, new HashSet<string> { "libtommath1" });

        Assert.Equal(
            ["dropbear-bin", "gcc-12-base", "libc6", "libgcc-s1", "libgmp10", "libtomcrypt1", "zlib1g"],
            closure.Value.Select(p => p.Name));
    }

    [Fact]
    public void Walk_DependencyAptDoesNotKnow_IsRefusedNamingItAndWhoNeedsIt()
    {
        Dictionary<string, DebPackage> known = new(Known) { ["zlib1g"] = Package("zlib1g", depends: "libc6, zlib-data") };

        var closure = PackageClosure.Walk("dropbear-bin", known);

        Assert.False(closure.IsOk);
        Assert.Contains("apt has no installable package zlib-data (needed by zlib1g)", closure.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FirstAlternatives_DropVersionsArchitecturesAndLaterAlternatives() =>
        Assert.Equal(
            ["kmod", "linux-base", "initramfs-tools", "libc6"],
            DebControl.FirstAlternatives("kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, libc6:amd64"));

    private static DebPackage Package(string name, string depends = "", string preDepends = "") =>
        new() { Name = name, Version = "1", Architecture = "amd64", Sha256 = "", Depends = depends, PreDepends = preDepends };
}
