using Hospes.Contracts;
using Hospes.Host.Network;

namespace Hospes.Host.Edge;

/// <summary>Networks, vifs, port forwards and ssh targets as the API shows them.</summary>
internal static class NetworkInfoFactory
{
    public static NetworkInfo Create(NetworkStatus s) => new()
    {
        Name = s.Network.Name,
        Project = s.Network.Project,
        Bridge = s.Network.Bridge,
        Subnet = s.Network.Subnet,
        Gateway = s.Gateway,
        Mode = s.Network.Mode,
        Active = s.Active,
        DnsmasqPid = s.DnsmasqPid,
        Vms = [.. s.Members.Select(m => $"{m.Vm} ({m.Ip})")],
        PortForwards = [.. s.Forwards.Select(Create)],
        CreatedAt = s.Network.CreatedAt,
    };

    public static VifInfo Create(VifStatus v) => new()
    {
        Index = v.Index,
        Mac = v.Mac ?? "",
        Ip = v.Ip,
        Model = v.Model,
        Network = v.Network,
        Bridge = v.Bridge,
        Tap = v.Tap,
    };

    public static PortForwardInfo Create(VmForward f) => new()
    {
        Vm = f.Vm,
        Protocol = f.Protocol,
        HostPort = f.HostPort,
        GuestPort = f.GuestPort,
        GuestIp = f.GuestIp,
        Network = f.Network,
    };

    public static SshTarget Create(SshAccess s) => new() { Vm = s.Vm, Ip = s.Ip, User = s.User, KeyPath = s.KeyPaths[0], KeyPaths = s.KeyPaths, HostKey = s.HostKey };
}
