using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Hospes.Network;
using Hospes.Network.Dhcp;
using Hospes.Network.Firewall;
using Hospes.Network.Interfaces;
using Hospes.Network.Tools;

namespace Hospes.Testing.Fakes;

/// <summary>
/// A host's networking in memory: links, routed networks, nftables tables and dnsmasqs that a test can set up and read
/// back. Every change is recorded in order as a short command line (<see cref="Calls"/>); a test can make a change fail
/// as a tool would (<see cref="Fail"/>).
/// </summary>
public sealed class FakeNetworkHost : INetworkHost
{
    private readonly Lock _gate = new();
    private readonly List<LinkInfo> _links = [];
    private readonly List<string> _calls = [];
    private readonly ConcurrentDictionary<string, string> _failures = new(StringComparer.Ordinal);
    private int _nextPid = 20_000;

    /// <summary>The IPv4 networks the host routes or has addresses in (what a new network must not overlap).</summary>
    public List<(IPAddress Network, int Prefix)> Routed { get; } = [];

    /// <summary>nftables tables of the ip family, by name; Hospes's hold the network they were made from.</summary>
    public ConcurrentDictionary<string, NftNetwork?> Tables { get; } = new(StringComparer.Ordinal);

    /// <summary>Running dnsmasqs by directory: what each was last given, and its pid.</summary>
    public ConcurrentDictionary<string, (DnsmasqSpec? Spec, int Pid)> Dhcp { get; } = new(StringComparer.Ordinal);

    /// <summary>Ports programs of the host hold, as "tcp/8080".</summary>
    public HashSet<string> PortsInUse { get; } = new(StringComparer.Ordinal);

    /// <summary>net.ipv4.ip_local_port_range: Linux's default unless a test sets another.</summary>
    public (int Low, int High) Ephemeral { get; set; } = (32768, 60999);

    /// <summary>Every change asked for, in order: "ip link add hospes0 type bridge", "nft apply hospes_hospes0", ...</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<LinkInfo> Links
    {
        get
        {
            lock (_gate)
            {
                return [.. _links];
            }
        }
    }

    /// <summary>A link that exists on the host, e.g. a bridge Hospes did not make (alias null) or a tap QEMU made.</summary>
    public void AddLink(string name, string? kind = "bridge", string? alias = null, string? master = null)
    {
        lock (_gate)
        {
            _links.Add(new LinkInfo(name, kind, master, alias, IsUp: true, Mac: null));
        }
    }

    /// <summary>The next change whose command line starts with <paramref name="commandPrefix"/> fails with <paramref name="message"/>.</summary>
    public void Fail(string commandPrefix, string message = "RTNETLINK answers: Operation not permitted") => _failures[commandPrefix] = message;

    public void ClearCalls()
    {
        lock (_gate)
        {
            _calls.Clear();
        }
    }

    public Task<IReadOnlyList<LinkInfo>> ListLinksAsync(CancellationToken ct) => Task.FromResult(Links);

    public Task<IReadOnlyList<(IPAddress Network, int Prefix)>> Ipv4NetworksInUseAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<(IPAddress Network, int Prefix)>>([.. Routed]);

    public Task CreateBridgeAsync(string name, string mark, CancellationToken ct) => Change($"ip link add {name} type bridge alias {mark}", () =>
    {
        if (_links.Any(l => l.Name == name))
        {
            throw Failed($"ip link add {name}", "RTNETLINK answers: File exists");
        }

        _links.Add(new LinkInfo(name, "bridge", null, mark, IsUp: true, Mac: null));
    });

    public Task AddAddressAsync(string link, IPAddress address, int prefixLength, CancellationToken ct) =>
        Change(string.Create(CultureInfo.InvariantCulture, $"ip address replace {address}/{prefixLength} dev {link}"), () => Routed.Add((NetworkOf(address, prefixLength), prefixLength)));

    public Task SetSysctlAsync(string key, string value, CancellationToken ct) => Change($"sysctl {key}={value}", () => { });

    public Task DeleteLinkAsync(string name, CancellationToken ct) => Change($"ip link delete {name}", () => _links.RemoveAll(l => l.Name == name));

    public Task AttachTapAsync(string tap, string bridge, CancellationToken ct) => Change($"ip link set {tap} master {bridge} up", () =>
    {
        if (!_links.Any(l => l.Name == bridge))
        {
            throw Failed($"ip link set {tap} master {bridge} up", $"Cannot find device \"{bridge}\"");
        }

        _links.RemoveAll(l => l.Name == tap);
        _links.Add(new LinkInfo(tap, "tun", bridge, null, IsUp: true, Mac: null));
    });

    public bool IsBridge(string name) => Links.Any(l => l.Name == name && l.Kind == "bridge");

    public bool LinkExists(string name) => Links.Any(l => l.Name == name);

    public bool IsPortInUse(string protocol, int port) => PortsInUse.Contains(string.Create(CultureInfo.InvariantCulture, $"{protocol}/{port}"));

    public (int Low, int High) EphemeralPorts() => Ephemeral;

    public Task ApplyRulesAsync(NftNetwork rules, CancellationToken ct) => Change($"nft apply {rules.Table}", () => Tables[rules.Table] = rules);

    public Task DeleteRulesAsync(string table, CancellationToken ct) => Change($"nft delete table {table}", () => Tables.TryRemove(table, out _));

    /// <summary>What hospesd's table of incoming migrations' ports holds now (empty: no table).</summary>
    public IReadOnlyList<MigrationOpening> MigrationRules { get; private set; } = [];

    public Task ApplyMigrationRulesAsync(IReadOnlyCollection<MigrationOpening> openings, CancellationToken ct) =>
        Change($"nft migrations {openings.Count}", () => MigrationRules = [.. openings]);

    public Task<IReadOnlyList<string>> ListTablesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([.. Tables.Keys.Order(StringComparer.Ordinal)]);

    public Task UpdateDhcpAsync(DnsmasqSpec spec, CancellationToken ct) => Change($"dnsmasq {spec.NetworkName} ({spec.Hosts.Count} hosts)", () =>
        Dhcp[spec.Directory] = (spec, Dhcp.TryGetValue(spec.Directory, out var running) ? running.Pid : Interlocked.Increment(ref _nextPid)));

    public Task StopDhcpAsync(string directory, CancellationToken ct)
    {
        if (!Dhcp.ContainsKey(directory))
        {
            return Task.CompletedTask;
        }

        return Change($"dnsmasq stop {Path.GetFileName(directory)}", () => Dhcp.TryRemove(directory, out _));
    }

    public int? DhcpPid(string directory) => Dhcp.TryGetValue(directory, out var running) ? running.Pid : null;

    private Task Change(string command, Action change)
    {
        lock (_gate)
        {
            _calls.Add(command);
            if (_failures.FirstOrDefault(f => command.StartsWith(f.Key, StringComparison.Ordinal)) is { Key: { } prefix, Value: { } message })
            {
                _failures.TryRemove(prefix, out _);
                throw Failed(command, message);
            }

            change();
        }

        return Task.CompletedTask;
    }

    private static IPAddress NetworkOf(IPAddress address, int prefixLength)
    {
        byte[] bytes = address.GetAddressBytes();
        uint mask = prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength);
        BinaryPrimitives.WriteUInt32BigEndian(bytes, BinaryPrimitives.ReadUInt32BigEndian(bytes) & mask);
        return new IPAddress(bytes);
    }

    private static NetToolException Failed(string command, string message) =>
        new($"'{command}' failed with exit code 2: {message}", command, 2, message);
}
