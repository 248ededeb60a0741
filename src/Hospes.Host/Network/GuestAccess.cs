using System.Net;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;

namespace Hospes.Host.Network;

/// <summary>How a client reaches into a running guest: `hospes ssh` and the TCP relay, both to the guest's first address.</summary>
internal sealed class GuestAccess(IVmDirectory vms, SshKey ssh)
{
    /// <summary>Where `hospes ssh` goes: the first vif with an address, through this hospesd's TCP relay.</summary>
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

        return new SshAccess(address.Value.Name, address.Value.Ip, "root", ssh.PrivatePath);
    }

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
