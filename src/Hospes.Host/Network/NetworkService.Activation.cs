using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Network.Addressing;
using Hospes.Network.Dhcp;
using Hospes.Network.Firewall;
using Hospes.Network.Interfaces;
using Hospes.Network.Tools;

namespace Hospes.Host.Network;

internal sealed partial class NetworkService
{
    /// <summary>
    /// Brings a network up (idempotent): bridge with the gateway address, forwarding, rules, dnsmasq with every vif's
    /// lease. <paramref name="starting"/>: a VM about to start on it, whose taps get their rules even before the VM is
    /// listed among this host's.
    /// </summary>
    private async Task<Result<bool>> ActivateCoreAsync(NetworkRecord n, VmSpec? starting, CancellationToken ct)
    {
        Ipv4Subnet subnet = NetworkSpecs.Subnet(n);
        bool made = false;
        try
        {
            IReadOnlyList<LinkInfo> links = await _host.ListLinksAsync(ct).ConfigureAwait(false);
            LinkInfo? bridge = links.FirstOrDefault(l => l.Name == n.Bridge);
            if (bridge is null)
            {
                if (await HostClash.CheckAsync(_host, n.Bridge, subnet, ct).ConfigureAwait(false) is { } clash)
                {
                    return clash;
                }

                made = true;
                await _host.CreateBridgeAsync(n.Bridge, Alias(n.Name), ct).ConfigureAwait(false);
                await _host.AddAddressAsync(n.Bridge, subnet.Gateway, subnet.PrefixLength, ct).ConfigureAwait(false);
            }
            else if (bridge.Alias != Alias(n.Name))
            {
                return HospesError.Conflict($"network '{n.Name}': the host already has an interface named '{n.Bridge}' that this hospesd did not make; delete the network and create it with another --bridge");
            }

            if (n.Mode == "nat")
            {
                await _host.SetSysctlAsync("net.ipv4.ip_forward", "1", ct).ConfigureAwait(false);
            }

            // Forwards never take the host's own connections, so nothing from 127.0.0.1 is routed onto the bridge (hospesd
            // before 2026-12 turned this on).
            await _host.SetSysctlAsync(Links.InterfaceSysctl(n.Bridge, "route_localnet"), "0", ct).ConfigureAwait(false);
            await _host.ApplyRulesAsync(Rules(n, starting), ct).ConfigureAwait(false);
            Directory.CreateDirectory(NetworkDir(n.Name));
            await _host.UpdateDhcpAsync(Dhcp(n, starting), ct).ConfigureAwait(false);
            return true;
        }
        catch (NetToolException e)
        {
            if (made)
            {
                await TeardownQuietlyAsync(n).ConfigureAwait(false);
            }

            return HospesError.Unavailable($"network '{n.Name}' cannot be brought up: {e.Message}");
        }
    }

    /// <summary>Rules and leases change at once on a network that is up; one that is down gets them when it comes up.</summary>
    private async Task<Result<bool>> ApplyRulesIfActiveAsync(NetworkRecord n, CancellationToken ct)
    {
        try
        {
            if (IsUp(n, await _host.ListLinksAsync(ct).ConfigureAwait(false)))
            {
                await _host.ApplyRulesAsync(Rules(n), ct).ConfigureAwait(false);

                // A deleted VM's lease goes too, so its address can be handed out again.
                await _host.UpdateDhcpAsync(Dhcp(n), ct).ConfigureAwait(false);
            }

            return true;
        }
        catch (NetToolException e)
        {
            return HospesError.Unavailable($"network '{n.Name}': cannot update its rules: {e.Message}");
        }
    }

    /// <summary>Deletes the network's bridge, rules and dnsmasq (whatever of them exists).</summary>
    private async Task TeardownAsync(string name, string bridge, CancellationToken ct)
    {
        string dir = NetworkDir(name);
        await _host.StopDhcpAsync(dir, ct).ConfigureAwait(false);
        await _host.DeleteRulesAsync(NetworkSpecs.TableName(bridge), ct).ConfigureAwait(false);
        IReadOnlyList<LinkInfo> links = await _host.ListLinksAsync(ct).ConfigureAwait(false);
        if (links.Any(l => l.Name == bridge && l.Alias == Alias(name)))
        {
            await _host.DeleteLinkAsync(bridge, ct).ConfigureAwait(false);
        }

        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        if (Directory.Exists(HostsDir(name)))
        {
            Directory.Delete(HostsDir(name), recursive: true);
        }
    }

    /// <summary>The network's dnsmasq: its files in the state dir (root's alone), its hosts files in the run dir (#5).</summary>
    /// <remarks><paramref name="starting"/>: a VM's spec ahead of its record (a vif being attached), in its record's place.</remarks>
    private DnsmasqSpec Dhcp(NetworkRecord n, VmSpec? starting = null) =>
        NetworkSpecs.Dnsmasq(n, All, starting is null ? Specs() : [starting, .. Specs().Where(s => s.Uuid != starting.Uuid)], NetworkDir(n.Name)) with { HostsDirectory = HostsDir(n.Name) };

    private async Task TeardownQuietlyAsync(NetworkRecord n)
    {
        try
        {
            await TeardownAsync(n.Name, n.Bridge, CancellationToken.None).ConfigureAwait(false);
        }
        catch (NetToolException e)
        {
            LogStartupProblem(e.Message);
        }
    }

    /// <summary>
    /// The network's rules as they must be now: every guest tap on it, and the forwards that may be installed. A forward
    /// whose port a program of the host now holds, or that lies in the kernel's ephemeral range, is left out (and said
    /// in the log): it would take that program's clients, or a port the kernel hands to a connection or to QEMU.
    /// </summary>
    private NftNetwork Rules(NetworkRecord n, VmSpec? starting = null)
    {
        (int low, int high) = _host.EphemeralPorts();
        var forwards = new List<VmForward>();
        foreach (VmForward f in Forwards().Where(f => f.Network == n.Name))
        {
            string? why = f.HostPort >= low && f.HostPort <= high ? $"it is in the kernel's ephemeral port range {low}-{high}"
                : _host.IsPortInUse(f.Protocol, f.HostPort) ? "a program on this host now holds that port (`ss -lnp` shows which)"
                : null;
            if (why is null)
            {
                forwards.Add(f);
            }
            else
            {
                LogForwardLeftOut(f.HostPort, f.Protocol, f.Vm, f.GuestPort, why);
            }
        }

        IEnumerable<VmSpec> running = _vms.All.Where(v => v.Pid is not null).Select(v => v.Record.Spec);
        IEnumerable<VmSpec> vms = starting is null ? [.. running, .. Specs()] : [starting, .. running, .. Specs()];
        return NetworkSpecs.Nft(n, All, forwards, vms);
    }

    /// <summary>The network's bridge exists and carries this hospesd's mark.</summary>
    private bool IsUp(NetworkRecord n, IReadOnlyList<LinkInfo> links) => links.Any(l => l.Name == n.Bridge && l.Alias == Alias(n.Name));
}
