using Hospes.Qemu.Host;

namespace Hospes.Qemu.Tests.Host;

public class QemuBinaryTests
{
    [Fact]
    public async Task Detect_FindsQemuNineOrLater()
    {
        var qemu = await QemuBinary.DetectAsync(null, CancellationToken.None);
        Assert.True(qemu.IsOk, qemu.Error?.Message);
        Assert.True(qemu.Value.Version >= QemuBinary.Minimum);
    }

    [Fact]
    public async Task Detect_OfAMissingBinary_SaysHowToInstallIt()
    {
        var qemu = await QemuBinary.DetectAsync("/nonexistent/qemu-system-x86_64", CancellationToken.None);
        Assert.False(qemu.IsOk);
        Assert.Contains("./setup.sh", qemu.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_OfAnOldQemu_IsRefusedWithTheReason()
    {
        using var dir = new TempDir();
        string fake = dir.File("qemu-system-x86_64");
        File.WriteAllText(fake, "#!/bin/sh\necho 'QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u16)'\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);

        var qemu = await QemuBinary.DetectAsync(fake, CancellationToken.None);

        Assert.False(qemu.IsOk);
        Assert.Contains("QEMU 7.2.19", qemu.Error.Message, StringComparison.Ordinal);
        Assert.Contains("loses guest memory during live migration", qemu.Error.Message, StringComparison.Ordinal);
    }
}
