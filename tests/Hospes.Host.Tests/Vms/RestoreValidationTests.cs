using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Vms;

/// <summary>
/// A save file of a VM this host does not have defines that VM from its header, which anyone may have written: the
/// header's spec goes through the one validator under the host's policy for foreign specs (#2).
/// </summary>
public sealed class RestoreValidationTests
{
    [Fact]
    public async Task ASaveFile_WhoseSpecNamesAHostFile_IsRefused_AndDefinesNothing()
    {
        await using var floor = new VmFloor();
        VmSpec spec = floor.Spec("stranger", s => s with { Kernel = "image:tiny", Disks = [new DiskSpec { Target = "/etc/passwd", Vdev = "xvda" }] });
        string path = Path.Combine(floor.Options.StateDir, "stranger.save");
        SaveFile.WriteHeader(path, new SaveHeader { Spec = spec, WasRunning = true, RamMib = 128 });
        await using (var f = new FileStream(path, FileMode.Append))
        {
            f.Write(new byte[8192]);
        }

        Result<VmActor> restored = await floor.Vms.RestoreAsync(path, paused: false, CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, restored.Error!.Code);
        Assert.StartsWith($"save file {path}: disk xvda: target /etc/passwd is a file of this host outside the folders", restored.Error.Message, StringComparison.Ordinal);
        Assert.False(floor.Vms.Find("stranger").IsOk);
        Assert.Empty(floor.Qemu.Launched);
    }
}
