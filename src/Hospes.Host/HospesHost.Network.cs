using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Vms;
using Microsoft.Extensions.Logging;

namespace Hospes.Host;

/// <summary>The networks' part of the API: networks, vifs, port forwards, ssh.</summary>
public sealed partial class HospesHost
{
    public async Task<IReadOnlyList<NetworkInfo>> ListNetworksAsync(CancellationToken ct)
    {
        var list = new List<NetworkInfo>();
        foreach (var n in Networks.All)
        {
            list.Add(await Networks.InfoAsync(n, ct).ConfigureAwait(false));
        }

        return list;
    }

    public async Task<Result<NetworkInfo>> GetNetworkAsync(string name, CancellationToken ct)
    {
        var found = Networks.Find(name);
        return found.IsOk ? await Networks.InfoAsync(found.Value, ct).ConfigureAwait(false) : found.Error;
    }

    public async Task<Result<NetworkInfo>> CreateNetworkAsync(NetworkCreateRequest request, CancellationToken ct)
    {
        var made = await Networks.CreateAsync(request, ct).ConfigureAwait(false);
        return made.IsOk ? await Networks.InfoAsync(made.Value, ct).ConfigureAwait(false) : made.Error;
    }

    public async Task<Result<NetworkInfo>> DeleteNetworkAsync(string name, CancellationToken ct)
    {
        var found = Networks.Find(name);
        if (!found.IsOk)
        {
            return found.Error;
        }

        NetworkInfo info = await Networks.InfoAsync(found.Value, ct).ConfigureAwait(false);
        var deleted = await Networks.DeleteAsync(name, ct).ConfigureAwait(false);
        return deleted.IsOk ? info with { Active = false, DnsmasqPid = null } : deleted.Error;
    }

    public Result<IReadOnlyList<VifInfo>> ListVifs(string vm)
    {
        Result<VmActor> found = Vms.Find(vm);
        return found.IsOk
            ? Result.Ok(Networks.VifInfos(found.Value.Record.Spec, found.Value.Pid is not null))
            : found.Error;
    }

    public Result<IReadOnlyList<PortForwardInfo>> ListPortForwards(string? vm)
    {
        if (vm is null)
        {
            return Result.Ok(Networks.ForwardInfos());
        }

        Result<VmActor> found = Vms.Find(vm);
        return found.IsOk ? Result.Ok(Networks.ForwardInfos(found.Value.Record.Uuid)) : found.Error;
    }

    public async Task<Result<PortForwardInfo>> AddPortForwardAsync(string vm, PortForwardRequest request, CancellationToken ct)
    {
        Result<VmActor> found = Vms.Find(vm);
        return found.IsOk ? await Networks.AddForwardAsync(found.Value.Record.Spec, request, ct).ConfigureAwait(false) : found.Error;
    }

    public async Task<Result<PortForwardInfo>> RemovePortForwardAsync(string vm, string protocol, int hostPort, CancellationToken ct)
    {
        Result<VmActor> found = Vms.Find(vm);
        return found.IsOk ? await Networks.RemoveForwardAsync(found.Value.Record.Spec, protocol, hostPort, ct).ConfigureAwait(false) : found.Error;
    }

    /// <summary>Where `hospes ssh` goes: the first vif with an address, through this hospesd's TCP relay.</summary>
    public Result<SshTarget> SshTarget(string vm)
    {
        Result<(string Name, string Ip)> address = RunningVmAddress(vm);
        if (!address.IsOk)
        {
            return address.Error;
        }

        if (Ssh.PublicLine is null)
        {
            return HospesError.Unavailable("hospesd has no ssh key (ssh-keygen failed at start, see its log); install openssh-client and restart hospesd");
        }

        return new SshTarget { Vm = address.Value.Name, Ip = address.Value.Ip, User = "root", KeyPath = Ssh.PrivatePath };
    }

    /// <summary>The address to relay a TCP connection to: a running VM's first address.</summary>
    public Result<System.Net.IPEndPoint> GuestEndpoint(string vm, int port)
    {
        if (port is < 1 or > 65535)
        {
            return HospesError.Invalid($"port {port} is not a port; use 1-65535");
        }

        Result<(string Name, string Ip)> address = RunningVmAddress(vm);
        return address.IsOk ? new System.Net.IPEndPoint(System.Net.IPAddress.Parse(address.Value.Ip), port) : address.Error;
    }

    private Result<(string Name, string Ip)> RunningVmAddress(string vm)
    {
        Result<VmActor> found = Vms.Find(vm);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var spec = found.Value.Record.Spec;
        if (found.Value.Pid is null)
        {
            return HospesError.State($"{spec.Name} is not running; start it first (`hospes start {spec.Name}`)");
        }

        return spec.Vifs.FirstOrDefault(v => v.Ip is not null) is { } vif
            ? (spec.Name, vif.Ip!)
            : HospesError.State($"{spec.Name} has no interface with an address Hospes knows; give it a vif on a Hospes network (e.g. vif = [ '' ])");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ssh key: {Problem}; `hospes ssh` will not work")]
    private partial void LogSshProblem(string problem);
}
