using System.Security.Cryptography;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Machine;
using Hospes.Storage.QemuImg;

namespace Hospes.Host.Storage;

/// <summary>
/// The store's operations: disks, imports, templates, clones and snapshots. qemu-img (and QMP for running
/// VMs) does the image work; this class keeps files and rows in step, with a reverter for every multi-step change.
/// </summary>
internal sealed partial class StoreService
{
    private readonly VolumeStore _store;
    private readonly IVmDirectory _vms;
    private readonly IQemuImg _img;

    public StoreService(VolumeStore store, IVmDirectory vms, IQemuImg img)
    {
        _store = store;
        _vms = vms;
        _img = img;
    }

    /// <summary>What the last start of hospesd found half-made and removed.</summary>
    public IReadOnlyList<string> Repairs { get; private set; } = [];

    private StoreLayout Layout => _store.Layout;

    private VolumeInfo Info(VolumeRecord v, IReadOnlyList<VolumeRecord> all) => VolumeInfoFactory.Create(v, all, VmName);

    private string? VmName(Guid uuid) => _vms.Find(uuid.ToString()) is { IsOk: true } a ? a.Value.Record.Name : null;

    private IVm? Vm(Guid? uuid) => uuid is { } u && _vms.Find(u.ToString()) is { IsOk: true } a ? a.Value : null;

    /// <summary>Is a VM running on <paramref name="path"/>, directly or through an overlay?</summary>
    private IVm? RunningUser(string path) =>
        _vms.All.FirstOrDefault(a => a.Pid is not null && a.Record.Spec.Disks.Any(d => d.Target == path));

    private static Result<string> ValidName(string name, string what)
    {
        if (Core.Vms.VmName.Validate(name) is { } problem)
        {
            return HospesError.Invalid($"{what} name '{name}' is not valid: {problem}");
        }

        return name;
    }

    private static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using FileStream f = File.OpenRead(path);
        byte[] hash = await SHA256.HashDataAsync(f, ct).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash);
    }

    private static void DeleteQuietly(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else if (File.Exists(path))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Delete(path);
        }
    }

    private static void MakeReadOnly(string path) =>
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

    private static string Describe(IVm vm) => $"{vm.Record.Name} ({vm.Record.State.ToString().ToLowerInvariant()})";

    private static HospesError InUse(string what, IVm vm, string fix) =>
        HospesError.State($"{what} is in use by VM {Describe(vm)}; {fix}");

    private static bool IsWritableDisk(DiskSpec d) => !d.ReadOnly && d.DeviceType == DiskDeviceType.Disk && d.Target.Length > 0;
}
