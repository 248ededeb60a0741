using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.State;

namespace Hospes.Host.Network;

internal sealed partial class NetworkService
{
    /// <summary>A VM's forwards, or every forward of the host when <paramref name="vm"/> is null.</summary>
    public Result<IReadOnlyList<VmForward>> ForwardsOf(string? vm)
    {
        if (vm is null)
        {
            return Result.Ok<IReadOnlyList<VmForward>>(Forwards());
        }

        Result<IVm> found = _vms.Find(vm);
        return found.IsOk ? Result.Ok<IReadOnlyList<VmForward>>(Forwards(found.Value.Record.Uuid)) : found.Error;
    }

    public async Task<Result<VmForward>> AddForwardAsync(string vm, ForwardSpec request, CancellationToken ct)
    {
        Result<IVm> found = _vms.Find(vm);
        return found.IsOk ? await AddForwardAsync(found.Value.Record.Spec, request, ct).ConfigureAwait(false) : found.Error;
    }

    public async Task<Result<VmForward>> RemoveForwardAsync(string vm, string protocol, int hostPort, CancellationToken ct)
    {
        Result<IVm> found = _vms.Find(vm);
        return found.IsOk ? await RemoveForwardAsync(found.Value.Record.Spec, protocol, hostPort, ct).ConfigureAwait(false) : found.Error;
    }

    /// <summary>A deleted VM's forwards go with it.</summary>
    public async Task ForgetVmAsync(VmSpec vm, CancellationToken ct)
    {
        if (_db.DeletePortForwards(vm.Uuid) == 0 && vm.Vifs.Count == 0)
        {
            return;
        }

        IReadOnlyList<NetworkRecord> networks = All;
        foreach (NetworkRecord network in vm.Vifs.Select(v => NetworkOf(v, networks)).OfType<NetworkRecord>().DistinctBy(n => n.Name))
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                _ = await ApplyRulesIfActiveAsync(network, ct).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private async Task<Result<VmForward>> AddForwardAsync(VmSpec vm, ForwardSpec request, CancellationToken ct)
    {
        string protocol = request.Protocol.ToLowerInvariant();
        if (protocol is not ("tcp" or "udp"))
        {
            return HospesError.Invalid($"protocol '{request.Protocol}' is not known; use tcp or udp");
        }

        foreach ((string what, int port) in new[] { ("host port", request.HostPort), ("guest port", request.GuestPort) })
        {
            if (port is < 1 or > 65535)
            {
                return HospesError.Invalid($"{what} {port} is not a port; use 1-65535, e.g. `hospes port-forward add {vm.Name} 2222:22`");
            }
        }

        (int low, int high) = _host.EphemeralPorts();
        if (request.HostPort >= low && request.HostPort <= high)
        {
            return HospesError.Invalid(
                $"host port {request.HostPort} is in this host's ephemeral port range {low}-{high} (net.ipv4.ip_local_port_range), which the kernel "
                + $"hands to outgoing connections and to QEMU's migration listeners; a forward there could take them over; choose a host port outside {low}-{high}");
        }

        IReadOnlyList<NetworkRecord> networks = All;
        int? index = request.Vif ?? Enumerable.Range(0, vm.Vifs.Count).Cast<int?>().FirstOrDefault(i => NetworkOf(vm.Vifs[i!.Value], networks) is not null);
        if (index is not { } vif || vif < 0 || vif >= vm.Vifs.Count)
        {
            return request.Vif is { } asked
                ? HospesError.Invalid($"{vm.Name} has no vif {asked}; `hospes vif-list {vm.Name}` shows its interfaces")
                : HospesError.State($"{vm.Name} has no interface on a Hospes network to forward to; give it a vif (e.g. vif = [ '' ] for the default network)");
        }

        if (NetworkOf(vm.Vifs[vif], networks) is not { } network || vm.Vifs[vif].Ip is null)
        {
            return HospesError.State($"{vm.Name}'s vif {vif} is on host bridge '{vm.Vifs[vif].Bridge}', which Hospes does not manage; port forwards need a Hospes network");
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var record = new PortForwardRecord { Vm = vm.Uuid, Vif = vif, Protocol = protocol, HostPort = request.HostPort, GuestPort = request.GuestPort };
            if (_db.LoadPortForwards().FirstOrDefault(f => f.Protocol == protocol && f.HostPort == request.HostPort) is { } existing)
            {
                string owner = Specs().FirstOrDefault(s => s.Uuid == existing.Vm)?.Name ?? existing.Vm.ToString();
                return HospesError.Conflict($"host port {request.HostPort}/{protocol} already forwards to {owner}:{existing.GuestPort}; choose another host port or remove that forward");
            }

            if (_host.IsPortInUse(protocol, request.HostPort))
            {
                return HospesError.Conflict($"host port {request.HostPort}/{protocol} is in use by a program on this host (`ss -lnp` shows which); choose another host port");
            }

            if (!_db.TryInsertPortForward(record))
            {
                return HospesError.Conflict($"host port {request.HostPort}/{protocol} is already forwarded");
            }

            Result<bool> applied = await ApplyRulesIfActiveAsync(network, ct).ConfigureAwait(false);
            if (!applied.IsOk)
            {
                _db.DeletePortForwards(vm.Uuid, protocol, request.HostPort);
                return applied.Error;
            }

            return Forward(record, vm, network);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Result<VmForward>> RemoveForwardAsync(VmSpec vm, string protocol, int hostPort, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            PortForwardRecord? record = _db.LoadPortForwards().FirstOrDefault(f => f.Vm == vm.Uuid && f.Protocol == protocol && f.HostPort == hostPort);
            if (record is null)
            {
                return HospesError.NotFound($"{vm.Name} has no forward from host port {hostPort}/{protocol}; `hospes port-forward list {vm.Name}` shows its forwards");
            }

            _db.DeletePortForwards(vm.Uuid, protocol, hostPort);
            NetworkRecord? network = record.Vif < vm.Vifs.Count ? NetworkOf(vm.Vifs[record.Vif], All) : null;
            if (network is not null)
            {
                Result<bool> applied = await ApplyRulesIfActiveAsync(network, ct).ConfigureAwait(false);
                if (!applied.IsOk)
                {
                    return applied.Error;
                }
            }

            return Forward(record, vm, network);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The forwards of the VMs this host has (of one VM when <paramref name="vm"/> is given).</summary>
    private List<VmForward> Forwards(Guid? vm = null)
    {
        IReadOnlyList<NetworkRecord> networks = All;
        var specs = Specs().ToDictionary(s => s.Uuid);
        var list = new List<VmForward>();
        foreach (PortForwardRecord f in _db.LoadPortForwards().Where(f => vm is null || f.Vm == vm))
        {
            if (specs.TryGetValue(f.Vm, out VmSpec? spec))
            {
                NetworkRecord? network = f.Vif < spec.Vifs.Count ? NetworkOf(spec.Vifs[f.Vif], networks) : null;
                list.Add(Forward(f, spec, network));
            }
        }

        return list;
    }

    private static VmForward Forward(PortForwardRecord f, VmSpec vm, NetworkRecord? network) => new(
        vm.Name, f.Protocol, f.HostPort, f.GuestPort, f.Vif < vm.Vifs.Count ? vm.Vifs[f.Vif].Ip ?? "" : "", network?.Name ?? "");
}
