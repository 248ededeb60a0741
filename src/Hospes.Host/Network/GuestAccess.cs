using System.Net;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;

namespace Hospes.Host.Network;

/// <summary>How a client reaches into a running guest: `hospes ssh` and the TCP relay, both to the guest's first address.</summary>
internal sealed class GuestAccess(IVmDirectory vms, SshKey ssh, GuestHostKeys hostKeys)
{
    /// <summary>
    /// Where `hospes ssh` goes: the first vif with an address, through this hospesd's TCP relay, to a guest that must show
    /// the host key hospesd gave it. A guest without one is refused: whoever answered at its address could not be told
    /// from it.
    /// </summary>
    public Result<SshAccess> Ssh(string vm)
    {
        Result<(string Name, string Ip)> address = RunningVmAddress(vm);
        if (!address.IsOk)
        {
            return address.Error;
        }

        if (ssh.PublicLine is null)
        {
            return HospesError.Unavailable("hospesd has no ssh key (ssh-keygen failed at start, see its log); install openssh-client and restart hospesd");
        }

        string name = address.Value.Name;
        if (vms.Find(vm) is not { IsOk: true } found || hostKeys.Find(found.Value.Record.Uuid) is not { } hostKey)
        {
            return HospesError.State(
                $"{name} has no SSH host key from Hospes, so `hospes ssh` cannot tell it from another machine at {address.Value.Ip}: Hospes gives one "
                + $"to the tiny guest when it starts and to a VM made from a Debian image when it is defined; a tiny guest started before hospesd kept "
                + $"host keys gets one at its next start (`hospes shutdown {name}`, then `hospes start {name}`); for any other guest, use ssh with a "
                + "host key you checked yourself");
        }

        return new SshAccess(name, address.Value.Ip, "root", KeyPaths, hostKey.PublicLine);
    }

    /// <summary>This host's keys for `hospes ssh` (the cluster's first, then its own from before a join).</summary>
    public IReadOnlyList<string> KeyPaths => ssh.IdentityPaths is { Count: > 0 } paths ? paths : [ssh.PrivatePath];

    /// <summary>The address to relay a TCP connection to: a running VM's first address.</summary>
    public Result<IPEndPoint> Endpoint(string vm, int port)
    {
        if (port is < 1 or > 65535)
        {
            return HospesError.Invalid($"port {port} is not a port; use 1-65535");
        }

        Result<(string Name, string Ip)> address = RunningVmAddress(vm);
        return address.IsOk ? new IPEndPoint(IPAddress.Parse(address.Value.Ip), port) : address.Error;
    }

    private Result<(string Name, string Ip)> RunningVmAddress(string vm)
    {
        Result<IVm> found = vms.Find(vm);
        if (!found.IsOk)
        {
            return found.Error;
        }

        VmSpec spec = found.Value.Record.Spec;
        if (found.Value.Pid is null)
        {
            return HospesError.State($"{spec.Name} is not running; start it first (`hospes start {spec.Name}`)");
        }

        return spec.Vifs.FirstOrDefault(v => v.Ip is not null) is { } vif
            ? (spec.Name, vif.Ip!)
            : HospesError.State($"{spec.Name} has no interface with an address Hospes knows; give it a vif on a Hospes network (e.g. vif = [ '' ])");
    }
}
