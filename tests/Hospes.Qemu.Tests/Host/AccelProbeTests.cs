using Hospes.Core.Vms;
using Hospes.Qemu.Host;

namespace Hospes.Qemu.Tests.Host;

public class AccelProbeTests
{
    [Fact]
    public async Task Decide_RunsTheProbeGuestAndGivesAReason_ThenServesItFromTheCache()
    {
        var qemu = (await QemuBinary.DetectAsync(null, CancellationToken.None)).Value;
        using var dir = new TempDir();
        string cache = dir.File("probe.json");

        AccelDecision first = await AccelProbe.DecideAsync(qemu, cache, TimeProvider.System, CancellationToken.None);

        Assert.NotNull(first.TcgProbeSeconds);
        Assert.NotEmpty(first.Reason);
        Assert.Contains(first.Chosen == Accelerator.Kvm ? "using KVM" : "using TCG", first.Reason, StringComparison.Ordinal);
        if (File.Exists("/dev/kvm") && first.Chosen == Accelerator.Tcg)
        {
            // This is the case of these machines: /dev/kvm exists but is too slow to use.
            Assert.Contains("/dev/kvm exists", first.Reason, StringComparison.Ordinal);
        }

        AccelDecision second = await AccelProbe.DecideAsync(qemu, cache, TimeProvider.System, CancellationToken.None);
        Assert.Equal(first, second);
    }

    [Fact]
    public void ProbeFirmware_HasAResetVectorJumpAndTheLoopCount()
    {
        byte[] image = ProbeFirmware.Build(0x01020304);
        Assert.Equal(65536, image.Length);
        Assert.Equal([0xE9, 0x0D, 0x00], image[0xFFF0..0xFFF3]);
        Assert.Equal(0x04, image[33]);
        Assert.Equal(0x01, image[36]);
    }
}
