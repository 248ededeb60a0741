using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Vms.Forks;

namespace Hospes.Host.Tests.Memory;

/// <summary>Memory accounting tells a fork's RAM file from a VM's own exactly as ForkRam, which makes them, does.</summary>
public sealed class ForkFilesTests
{
    [Fact]
    public void AForkPointsRamFile_IsAFork_AVmsOwnFileAndNoFileAreNot()
    {
        var ram = new ForkRam(new HostOptions { StateDir = "/var/lib/hospes-test" });
        string fork = Path.Combine(ram.ForkDir(Guid.NewGuid()), ForkRam.RamName);
        string own = ram.OwnFile(Guid.NewGuid());

        Assert.True(ForkFiles.IsForkRam(fork));
        Assert.Equal(ForkRam.IsForkRam(fork), ForkFiles.IsForkRam(fork));
        Assert.False(ForkFiles.IsForkRam(own));
        Assert.Equal(ForkRam.IsForkRam(own), ForkFiles.IsForkRam(own));
        Assert.False(ForkFiles.IsForkRam(null));
    }
}
