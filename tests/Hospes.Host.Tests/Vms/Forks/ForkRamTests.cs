using Hospes.Host.Settings;
using Hospes.Host.Vms.Forks;

namespace Hospes.Host.Tests.Vms.Forks;

/// <summary>The RAM files' refcount: an entry of the RAM folder lives while a VM's record names it (or a launch or fork holds it).</summary>
public sealed class ForkRamTests
{
    private const string Root = "/dev/shm/hospes/abc";
    private static readonly string Own = $"{Root}/1111.ram";
    private static readonly string Fork = $"{Root}/fork-22";
    private static readonly string ForkRamFile = $"{Root}/fork-22/ram";

    private static IReadOnlyList<string> Gone(IEnumerable<string> named, IEnumerable<string>? held = null) =>
        ForkRam.Unreferenced([Own, Fork, $"{Root}/stray.txt"], named.ToHashSet(), (held ?? []).ToHashSet());

    [Fact]
    public void AForkFolder_StaysWhileAnyVmMapsItsRam_AndGoesWithTheLast()
    {
        Assert.DoesNotContain(Fork, Gone([ForkRamFile, ForkRamFile]));
        Assert.DoesNotContain(Fork, Gone([ForkRamFile]));
        Assert.Contains(Fork, Gone([]));
    }

    [Fact]
    public void AVmsOwnFile_StaysWhileItsRecordNamesIt_OrALaunchHoldsIt()
    {
        Assert.DoesNotContain(Own, Gone([Own]));
        Assert.DoesNotContain(Own, Gone([], held: [Own]));
        Assert.DoesNotContain(Fork, Gone([], held: [ForkRamFile]));
        Assert.Contains(Own, Gone([ForkRamFile]));
    }

    [Fact]
    public void TheStateDirsFolderOnTmpfs_GoesWhenHospesdStops_OnlyWhenNothingIsLeftInIt()
    {
        using var state = new TempDir();
        var ram = new ForkRam(new HostOptions { StateDir = state.Path });
        ram.EnsureRoot();
        string file = Path.Combine(ram.Root, "1111.ram");
        File.WriteAllText(file, "");

        ram.RemoveRootIfEmpty();
        Assert.True(File.Exists(file));

        File.Delete(file);
        ram.RemoveRootIfEmpty();
        Assert.False(Directory.Exists(ram.Root));
        ram.RemoveRootIfEmpty();
    }

    [Fact]
    public void FilesThatAreNotRamFiles_AreNeverTouched()
    {
        Assert.DoesNotContain($"{Root}/stray.txt", Gone([]));
    }

    [Fact]
    public void AForksFile_IsToldApartFromAVmsOwn()
    {
        Assert.True(ForkRam.IsForkRam(ForkRamFile));
        Assert.False(ForkRam.IsForkRam(Own));
        Assert.Equal($"{Fork}/state", ForkRam.StateFile(ForkRamFile));
    }
}
