using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Migration;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// A peer's offer goes through the one VM spec validator under this host's policy (#2): its vdevs never become paths,
/// its disks, bridges and PCI devices are this host's only where hospesd.conf allows, and a refusal leaves nothing.
/// </summary>
public sealed class OfferValidationTests
{
    [Fact]
    public async Task AnInlineDisk_WhoseVdevIsAPath_IsRefused_AndNothingIsWritten()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer(o => o with
        {
            Spec = o.Spec with { Disks = [new DiskSpec { Target = "x", Vdev = "../../escaped", ReadOnly = true }] },
            InlineDisks = new Dictionary<string, string> { ["../../escaped"] = Convert.ToBase64String("postrotate"u8.ToArray()) },
        });

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.Equal(ErrorCode.InvalidArgument, prepared.Error!.Code);
        Assert.Contains("the offer from host-a: disk 0: vdev '../../escaped' is not a guest disk name", prepared.Error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(destination.Floor.Options.StateDir, "escaped.img")));
        destination.AssertNothingOf(offer.Spec);
    }

    [Theory]
    [InlineData("/dev/null", "is a character device of this host")]
    [InlineData("/etc/passwd", "outside the folders the offer from host-a may use")]
    public async Task AHostFileOrDevice_AsADisk_IsRefused(string target, string why)
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer(o => o with { Spec = o.Spec with { Disks = [new DiskSpec { Target = target, Vdev = "xvdb" }] } });

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.Contains($"disk xvdb: target {target}", prepared.Error!.Message, StringComparison.Ordinal);
        Assert.Contains(why, prepared.Error.Message, StringComparison.Ordinal);
        destination.AssertNothingOf(offer.Spec);
    }

    [Fact]
    public async Task AHostBridge_APciDevice_AndAnInjectedMac_AreRefused_EachNamed()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer(o => o with
        {
            Spec = o.Spec with
            {
                Vifs = [new VifSpec { Bridge = "br0" }, new VifSpec { Mac = "52:54:00:00:00:01,romfile=/etc/shadow" }],
                PciDevices = ["0000:06:02.0"],
            },
        });

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.Equal(ErrorCode.InvalidArgument, prepared.Error!.Code);
        string details = string.Join("\n", prepared.Error.Details ?? []);
        Assert.Contains("vif 0: bridge 'br0' is not a Hospes network here", details, StringComparison.Ordinal);
        Assert.Contains("migration.allow_bridges", details, StringComparison.Ordinal);
        Assert.Contains("vif 1: mac '52:54:00:00:00:01,romfile=/etc/shadow' is not a usable MAC", details, StringComparison.Ordinal);
        Assert.Contains("pci: device 0000:06:02.0 is a PCI device of this host", details, StringComparison.Ordinal);
        destination.AssertNothingOf(offer.Spec);
    }

    [Fact]
    public async Task AnOversizedCpuList_IsRefused_NotLooped()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer(o => o with { Spec = o.Spec with { CpuAffinity = "0-2147483647" } });

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.Contains("cpus: '0-2147483647' is not a list of host CPUs", prepared.Error!.Message, StringComparison.Ordinal);
    }
}
