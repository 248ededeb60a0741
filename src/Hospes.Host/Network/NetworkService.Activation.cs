using Hospes.Core.Errors;
using Hospes.Host.State;
using Hospes.Network.Addressing;
using Hospes.Network.Dhcp;
using Hospes.Network.Interfaces;
using Hospes.Network.Tools;

namespace Hospes.Host.Network;

internal sealed partial class NetworkService
{
    /// <summary>Brings a network up (idempotent): bridge with the gateway address, forwarding, rules, dnsmasq with every vif's lease.</summary>
    private async Task<Result<bool>> ActivateCoreAsync(NetworkRecord n, CancellationToken ct)
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

            // Port forwards from the host's own 127.0.0.1 are routed onto the bridge.
            await _host.SetSysctlAsync(Links.InterfaceSysctl(n.Bridge, "route_localnet"), "1", ct).ConfigureAwait(false);
            await _host.ApplyRulesAsync(NetworkSpecs.Nft(n, Forwards()), ct).ConfigureAwait(false);
            Directory.CreateDirectory(NetworkDir(n.Name));
            await _host.UpdateDhcpAsync(Dhcp(n), ct).ConfigureAwait(false);
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
                await _host.ApplyRulesAsync(NetworkSpecs.Nft(n, Forwards()), ct).ConfigureAwait(false);

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
    private DnsmasqSpec Dhcp(NetworkRecord n) => NetworkSpecs.Dnsmasq(n, All, Specs(), NetworkDir(n.Name)) with { HostsDirectory = HostsDir(n.Name) };

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

    /// <summary>The network's bridge exists and carries this hospesd's mark.</summary>
    private bool IsUp(NetworkRecord n, IReadOnlyList<LinkInfo> links) => links.Any(l => l.Name == n.Bridge && l.Alias == Alias(n.Name));
}
