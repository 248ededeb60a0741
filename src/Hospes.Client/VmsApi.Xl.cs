using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>xl's commands on a running guest: sysrq, trigger, dump-core, cd-insert, cd-eject.</summary>
public sealed partial class VmsApi
{
    public Task<VmInfo> SysrqAsync(string name, string key, CancellationToken ct) =>
        _c.SendAsync<VmInfo>(HttpMethod.Post, Routes.Path(Routes.VmSysrq, name), new SysrqRequest { Key = key }, ct);

    public Task<VmInfo> TriggerAsync(string name, string trigger, CancellationToken ct) =>
        _c.SendAsync<VmInfo>(HttpMethod.Post, Routes.Path(Routes.VmTrigger, name), new TriggerRequest { Trigger = trigger }, ct);

    /// <summary>Writes the guest's memory as an ELF core to <paramref name="path"/> on hospesd's host.</summary>
    public Task<VmInfo> DumpCoreAsync(string name, string path, CancellationToken ct) =>
        _c.SendAsync<VmInfo>(HttpMethod.Post, Routes.Path(Routes.VmDumpCore, name), new DumpCoreRequest { Path = path }, ct);

    /// <summary>Gives the VM another name, running or not (xl rename).</summary>
    public Task<VmInfo> RenameAsync(string name, string newName, CancellationToken ct) =>
        _c.SendAsync<VmInfo>(HttpMethod.Post, Routes.Path(Routes.VmRename, name), new RenameRequest { Name = newName }, ct);

    public Task<VmInfo> CdInsertAsync(string name, string vdev, string path, CancellationToken ct) =>
        _c.SendAsync<VmInfo>(HttpMethod.Put, Routes.Path(Routes.VmCdrom, name, vdev), new CdInsertRequest { Path = path }, ct);

    public Task<VmInfo> CdEjectAsync(string name, string vdev, CancellationToken ct) =>
        _c.SendAsync<VmInfo>(HttpMethod.Delete, Routes.Path(Routes.VmCdrom, name, vdev), null, ct);
}
