using System.Net;
using Hospes.Network.Dhcp;
using Hospes.Network.Firewall;
using Hospes.Network.Interfaces;
using Hospes.Network.Tools;

namespace Hospes.Network;

/// <summary>The host's networking through its tools: iproute2 and procps (<see cref="Links"/>), nft (<see cref="Nft"/>), dnsmasq (<see cref="Dnsmasq"/>).</summary>
public sealed class NetworkHost : INetworkHost
{
    private readonly Links _links;
    private readonly Nft _nft;
    private readonly Dnsmasq _dnsmasq;

    public NetworkHost(NetTools tools, TimeProvider time)
    {
        _links = new Links(tools);
        _nft = new Nft(tools);
        _dnsmasq = new Dnsmasq(tools, time);
    }

    public Task<IReadOnlyList<LinkInfo>> ListLinksAsync(CancellationToken ct) => _links.ListAsync(ct);

    public Task<IReadOnlyList<(IPAddress Network, int Prefix)>> Ipv4NetworksInUseAsync(CancellationToken ct) => _links.Ipv4NetworksInUseAsync(ct);

    public Task CreateBridgeAsync(string name, string mark, CancellationToken ct) => _links.CreateBridgeAsync(name, mark, ct);

    public Task AddAddressAsync(string link, IPAddress address, int prefixLength, CancellationToken ct) => _links.AddAddressAsync(link, address, prefixLength, ct);

    public Task SetSysctlAsync(string key, string value, CancellationToken ct) => _links.SetSysctlAsync(key, value, ct);

    public Task DeleteLinkAsync(string name, CancellationToken ct) => _links.DeleteAsync(name, ct);

    public Task AttachTapAsync(string tap, string bridge, CancellationToken ct) => _links.AttachAsync(tap, bridge, ct);

    public bool IsBridge(string name) => Directory.Exists($"/sys/class/net/{name}/bridge");

    public bool LinkExists(string name) => Directory.Exists($"/sys/class/net/{name}");

    public bool IsPortInUse(string protocol, int port) => HostPorts.InUse(protocol, port);

    public (int Low, int High) EphemeralPorts() => HostPorts.EphemeralRange();

    public Task ApplyRulesAsync(NftNetwork rules, CancellationToken ct) => _nft.ApplyAsync(rules, ct);

    public Task DeleteRulesAsync(string table, CancellationToken ct) => _nft.DeleteTableAsync(table, ct);

    public Task ApplyMigrationRulesAsync(IReadOnlyCollection<MigrationOpening> openings, CancellationToken ct) => _nft.ApplyMigrationsAsync(openings, ct);

    public Task<IReadOnlyList<string>> ListTablesAsync(CancellationToken ct) => _nft.ListTablesAsync(ct);

    public Task UpdateDhcpAsync(DnsmasqSpec spec, CancellationToken ct) => _dnsmasq.UpdateHostsAsync(spec, ct);

    public Task StopDhcpAsync(string directory, CancellationToken ct) => _dnsmasq.StopAsync(directory, ct);

    public int? DhcpPid(string directory) => Dnsmasq.RunningPid(directory);
}
