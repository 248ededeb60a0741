using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;
using Microsoft.Win32.SafeHandles;

namespace Hospes.Host.Vms.Commands;

/// <summary>
/// `hospes cd-insert NAME VDEV FILE` and `cd-eject NAME VDEV` (xl's): a medium into or out of a CD-ROM drive of a running
/// guest (QMP blockdev-change-medium, eject), kept in the VM's spec so its next start has the same medium.
/// </summary>
internal sealed class CdMediumCommand(string vdev, string? path) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Monitor;

    public override string? Verb => path is null ? $"eject the CD of" : "insert a CD into";

    /// <summary>The refusal of a drive or a file that cannot work, whatever the VM's state; null when fine.</summary>
    public static HospesError? Check(VmRecord record, string vdev, string? path)
    {
        string[] drives = [.. record.Spec.Disks.Where(d => d.DeviceType == DiskDeviceType.Cdrom).Select(d => d.Vdev)];
        if (!drives.Contains(vdev, StringComparer.Ordinal))
        {
            return HospesError.NotFound(drives.Length == 0
                ? $"{record.Name} has no CD-ROM drive; add one to its config (disk = [ ..., ',hdc:cdrom,r' ] or cdrom = '...') and start it again"
                : $"{record.Name} has no CD-ROM drive {vdev}; its CD-ROM drives: {string.Join(", ", drives)}");
        }

        if (path is null)
        {
            return null;
        }

        if (!Path.IsPathFullyQualified(path))
        {
            return HospesError.Invalid($"cd-insert: '{path}' is not an absolute path; give the image's full path on the host");
        }

        return File.Exists(path) ? null : HospesError.NotFound($"cd-insert: {path} does not exist (or is not a file) on this host");
    }

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        if (Check(vm.Record, vdev, path) is { } refused)
        {
            return refused;
        }

        IQmp qmp = vm.Qmp!;
        string device = QemuNames.DiskDevice(vdev);
        try
        {
            if (path is null)
            {
                await qmp.ExecuteAsync("eject", new JsonObject { ["id"] = device, ["force"] = true }, logged: true, ct: ct).ConfigureAwait(false);
            }
            else
            {
                // hospesd opens the image (QEMU may run as a uid that cannot) and hands it over read-only.
                using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
                long fdSet = await qmp.AddFdAsync(file, "cd-insert", ct).ConfigureAwait(false);
                try
                {
                    await qmp.ExecuteAsync("blockdev-change-medium", new JsonObject
                    {
                        ["id"] = device,
                        ["filename"] = QmpFiles.FdSetPath(fdSet),
                        ["format"] = "raw",
                        ["read-only-mode"] = "read-only",
                    }, logged: true, ct: ct).ConfigureAwait(false);
                }
                finally
                {
                    await qmp.RemoveFdSetAsync(fdSet, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is QmpException or IOException or UnauthorizedAccessException)
        {
            return HospesError.Conflict($"{(path is null ? "cd-eject" : "cd-insert")} {vm.Name} {vdev}: {e.Message}");
        }

        VmSpec spec = vm.Record.Spec;
        DiskSpec[] disks = [.. spec.Disks.Select(d => d.Vdev == vdev ? d with { Target = path ?? "", Format = "raw", ReadOnly = true } : d)];
        return vm.Commit(vm.Record with { Spec = spec with { Disks = disks } });
    }
}
