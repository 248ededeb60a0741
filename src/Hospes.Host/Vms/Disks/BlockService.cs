using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Storage.QemuImg;

namespace Hospes.Host.Vms.Disks;

/// <summary>xl's block commands: block-list, block-attach (the disk made as define makes one, then the command in the VM's queue), block-detach.</summary>
internal sealed class BlockService(VmManager vms, IQemuImg img)
{
    public Result<VmRecord> Find(string name) => ResultOf(vms.Find(name));

    public async Task<Result<VmRecord>> AttachAsync(string name, DiskSpec disk, CancellationToken ct)
    {
        Result<VmActor> found = vms.Find(name);
        if (!found.IsOk)
        {
            return found.Error;
        }

        VmActor actor = found.Value;
        await using var revert = new Reverter();
        Result<DiskSpec> made = await vms.ProvisionDiskAsync(actor.Record, disk, revert, ct).ConfigureAwait(false);
        if (!made.IsOk)
        {
            return made.Error;
        }

        Result<VmRecord> done = await actor.RunAsync(new BlockAttachCommand(made.Value, img), ct).ConfigureAwait(false);
        if (done.IsOk)
        {
            revert.Commit();
        }

        return done;
    }

    public async Task<Result<VmRecord>> DetachAsync(string name, string vdev, CancellationToken ct)
    {
        Result<VmActor> found = vms.Find(name);
        if (!found.IsOk)
        {
            return found.Error;
        }

        DiskSpec? disk = found.Value.Record.Spec.Disks.FirstOrDefault(d => string.Equals(d.Vdev, vdev, StringComparison.OrdinalIgnoreCase));
        Result<VmRecord> done = await found.Value.RunAsync(new BlockDetachCommand(vdev), ct).ConfigureAwait(false);
        if (done.IsOk && disk is not null)
        {
            vms.ReleaseDisk(done.Value.Uuid, disk.Target);
        }

        return done;
    }

    private static Result<VmRecord> ResultOf(Result<VmActor> found) => found.IsOk ? found.Value.Record : found.Error;
}
