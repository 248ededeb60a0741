using System.Collections.Concurrent;
using Hospes.Core.Errors;

namespace Hospes.Host.Machine;

/// <summary>
/// The VMs of this host, by uuid. The VM floor adds and removes them; the floors below read them through
/// <see cref="IVmDirectory"/>, so they are built before the VMs and need no late-bound callback.
/// </summary>
internal sealed class VmRegistry<TVm> : IVmDirectory
    where TVm : class, IVm
{
    private readonly ConcurrentDictionary<Guid, TVm> _vms = new();

    public IReadOnlyList<TVm> Vms => [.. _vms.Values.OrderBy(a => a.Record.Name, StringComparer.Ordinal)];

    IReadOnlyList<IVm> IVmDirectory.All => Vms;

    public TVm? Get(Guid uuid) => _vms.GetValueOrDefault(uuid);

    public Result<TVm> Get(string nameOrUuid)
    {
        TVm? vm = _vms.Values.FirstOrDefault(a => a.Record.Name == nameOrUuid)
            ?? (Guid.TryParse(nameOrUuid, out Guid id) ? _vms.GetValueOrDefault(id) : null);
        return vm is null
            ? HospesError.NotFound($"no VM named '{nameOrUuid}' on this host; `hospes list` shows the VMs")
            : vm;
    }

    public Result<IVm> Find(string nameOrUuid)
    {
        Result<TVm> vm = Get(nameOrUuid);
        return vm.IsOk ? vm.Value : vm.Error;
    }

    public void Add(TVm vm) => _vms[vm.Record.Uuid] = vm;

    public bool Remove(Guid uuid) => _vms.TryRemove(uuid, out _);
}
