using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Network.Interfaces;
using Hospes.Network.Tools;
using Microsoft.Win32.SafeHandles;

namespace Hospes.Host.Network;

internal sealed partial class NetworkService
{
    /// <summary>
    /// network-attach, before the NIC is plugged: the network of vif <paramref name="index"/> of
    /// <paramref name="withVif"/> (the VM's spec with the new vif) is up, its rules let the new tap send with the vif's
    /// MAC and address only, and its dnsmasq hands that address to that MAC. Undone by <see cref="RefreshAsync"/> with the
    /// spec as it stays.
    /// </summary>
    public async Task<Result<VifTarget>> PrepareVifAsync(VmSpec withVif, int index, CancellationToken ct)
    {
        Result<VifTarget> target = Resolve(withVif.Vifs[index], All);
        if (!target.IsOk || target.Value.Network is not { } network)
        {
            return target;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Result<bool> up = await ActivateCoreAsync(network, withVif, ct).ConfigureAwait(false);
            return up.IsOk ? target : up.Error;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Makes the tap of vif <paramref name="index"/> (hospesd's, for a QEMU that cannot make one any more), puts it on
    /// <paramref name="bridge"/> and brings it up. The descriptor is the tap's life: it goes when the last copy closes.
    /// </summary>
    public async Task<Result<SafeFileHandle>> MakeTapAsync(VmSpec withVif, int index, string bridge, CancellationToken ct)
    {
        string tap = TapName(withVif, index);
        if (_host.LinkExists(tap))
        {
            return HospesError.Conflict($"{withVif.Name}: the host already has an interface named '{tap}' (a vif's tap of another VM, or something else); give the vif another vifname=, or remove that interface");
        }

        SafeFileHandle fd;
        try
        {
            fd = TapDevice.Create(tap);
        }
        catch (NetToolException e)
        {
            return HospesError.Unavailable($"{withVif.Name}: {e.Message}");
        }

        try
        {
            await _host.AttachTapAsync(tap, bridge, ct).ConfigureAwait(false);
            return fd;
        }
        catch (NetToolException e)
        {
            fd.Dispose();
            return HospesError.Unavailable($"{withVif.Name}: cannot put tap {tap} on bridge {bridge}: {e.Message}");
        }
    }

    /// <summary>
    /// The rules and leases of <paramref name="vm"/>'s networks (as its vifs name them, before and after a change) made
    /// again from the VMs' records: after network-detach, or a network-attach that failed.
    /// </summary>
    public async Task RefreshAsync(IEnumerable<VifSpec> vifs, CancellationToken ct)
    {
        IReadOnlyList<NetworkRecord> networks = All;
        foreach (NetworkRecord network in vifs.Select(v => NetworkOf(v, networks)).OfType<NetworkRecord>().DistinctBy(n => n.Name))
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
}
