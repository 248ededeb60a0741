using Hospes.Storage.Debian;

namespace Hospes.Storage.Tests.Debian;

public sealed class DebianBootFilesTests
{
    [Fact]
    public void GrubConfig_HasOneEntryWithKernelInitrdAndCmdlineFromTheRootPartition()
    {
        string text = GrubConfig.Render("Debian GNU/Linux (bookworm)", "6.1.0-50-cloud-amd64", "root=/dev/vda1 ro console=ttyS0");

        Assert.Equal("""
            # Written by Hospes (hospes image build debian); read by Hospes's boot loader, not by GRUB.
            set default=0
            set timeout=0

            menuentry 'Debian GNU/Linux (bookworm)' {
                linux /boot/vmlinuz-6.1.0-50-cloud-amd64 root=/dev/vda1 ro console=ttyS0
                initrd /boot/initrd.img-6.1.0-50-cloud-amd64
            }

            """, text);
    }

    [Fact]
    public void PartitionTable_IsOneBootableLinuxPartitionFromOneMiBToTheEnd()
    {
        Assert.Equal(
            "label: dos\nunit: sectors\n\nstart=2048, size=8386560, type=83, bootable\n",
            DebianDisk.PartitionTable((4L << 30) - DebianDisk.PartitionOffset));
    }

    [Fact]
    public void DefaultCmdline_NamesTheRootDeviceAndSerialConsole()
    {
        Assert.StartsWith($"root={DebianGuest.RootDevice} ro console=ttyS0", DebianGuest.DefaultCmdline, StringComparison.Ordinal);
    }
}
