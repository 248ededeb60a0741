using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms.Forks;

namespace Hospes.Host.Tests.Vms.Forks;

/// <summary>What refuses a fork before anything is made, each refusal naming the fix.</summary>
public sealed class ForkRefusalTests
{
    private static readonly VmRecord Web = new()
    {
        Spec = new VmSpec { Name = "web", Uuid = Guid.NewGuid(), Kernel = "/k", Forkable = true },
        State = VmState.Running,
        RamFile = "/dev/shm/hospes/abc/1111.ram",
    };

    [Fact]
    public void ARunningForkableVm_OnItsOwnRamFile_MayBeForked() => Assert.Null(ForkPoint.Refusal(Web));

    [Theory]
    [InlineData(VmState.Paused, "cannot fork web: it is paused; fork copies a running guest: start it first")]
    [InlineData(VmState.Shutoff, "cannot fork web: it is shutoff;")]
    [InlineData(VmState.Saved, "cannot fork web: it is saved;")]
    public void AVmThatDoesNotRun_IsRefused(VmState state, string message) =>
        Assert.StartsWith(message, ForkPoint.Refusal(Web with { State = state })!.Message, StringComparison.Ordinal);

    [Fact]
    public void AVmThatIsNotForkable_IsToldToAddTheKey() =>
        Assert.Contains("add forkable = 1 to its config", ForkPoint.Refusal(Web with { Spec = Web.Spec with { Forkable = false }, RamFile = null })!.Message, StringComparison.Ordinal);

    [Fact]
    public void PassthroughDevices_AreRefused() =>
        Assert.Contains("PCI passthrough devices (0000:01:00.0)", ForkPoint.Refusal(Web with { Spec = Web.Spec with { PciDevices = ["0000:01:00.0"] } })!.Message, StringComparison.Ordinal);

    [Fact]
    public void AWritableDisk_IsNotRefusedHere_ForkDisksPlansIt()
    {
        DiskSpec disk = new() { Target = "/srv/data.img", Vdev = "xvda" };
        Assert.Null(ForkPoint.Refusal(Web with { Spec = Web.Spec with { Disks = [disk] } }));
    }

    [Fact]
    public void AVmRunningOnAnEarlierForkPoint_IsToldToRestart() =>
        Assert.Contains("shut it down and start it again", ForkPoint.Refusal(Web with { RamFile = "/dev/shm/hospes/abc/fork-1/ram" })!.Message, StringComparison.Ordinal);
}
