using System.Net;
using System.Security.Cryptography;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Network;
using Hospes.Network.Addressing;
using Hospes.Network.Dhcp;
using Hospes.Network.Firewall;
using Hospes.Network.Interfaces;
using Hospes.Network.Tools;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Network;

/// <summary>
/// The host's networks: a bridge, a dnsmasq and an nftables table each, made when the network is created or a
/// VM on it starts, found again after a restart by the bridge's alias. Every vif gets a reserved address when
/// its VM is defined; the address is part of the VM's spec, the bridge and tap are this host's business.
/// </summary>
internal sealed partial class NetworkService : IDisposable
{
    public const string DefaultNetwork = "default";
    public const string DefaultBridge = "hospes0";

    private readonly StateDb _db;
    private readonly IVmDirectory _vms;
    private readonly HostOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly NetTools _tools;
    private readonly Links _links;
    private readonly Nft _nft;
    private readonly Dnsmasq _dnsmasq;

    // Networks change (create, delete, bring up) one at a time.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string _instance = "";

    public NetworkService(StateDb db, IVmDirectory vms, HostOptions options, TimeProvider time, ILoggerFactory logs)
    {
        _db = db;
        _vms = vms;
        _options = options;
        _time = time;
        _log = logs.CreateLogger("Hospes.Network");
        _tools = new NetTools();
        _links = new Links(_tools);
        _nft = new Nft(_tools);
        _dnsmasq = new Dnsmasq(_tools, time);
    }

    public string NetworksDir => Path.Combine(_options.StateDir, "networks");

    /// <summary>The specs of this host's VMs.</summary>
    private IReadOnlyList<VmSpec> Specs() => [.. _vms.All.Select(v => v.Record.Spec)];

    /// <summary>Found on every link Hospes made, so it removes those and only those.</summary>
    private string AliasPrefix => $"hospes:{_instance}:";

    public IReadOnlyList<NetworkRecord> All => _db.LoadNetworks();

    public Result<NetworkRecord> Find(string name) =>
        All.FirstOrDefault(n => n.Name == name) is { } n
            ? n
            : HospesError.NotFound($"no network named '{name}' on this host; `hospes network list` shows them, `hospes network create {name} --subnet CIDR` makes one");

    /// <summary>At start, before the VMs: this state dir's mark on links, and the default network's row.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        _instance = _db.MetaValue("instance", () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        Directory.CreateDirectory(NetworksDir);
        try
        {
            await EnsureDefaultAsync(ct).ConfigureAwait(false);
        }
        catch (NetToolException e)
        {
            LogStartupProblem(e.Message);
        }
    }

    /// <summary>At start, after the VMs: what a crash may have left (bridges, dnsmasq, rules of deleted networks).</summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await ReconcileCoreAsync(ct).ConfigureAwait(false);
        }
        catch (NetToolException e)
        {
            LogStartupProblem(e.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<Result<NetworkRecord>> CreateAsync(NetworkCreateRequest request, CancellationToken ct)
    {
        if (ValidateName(request.Name) is { } nameProblem)
        {
            return HospesError.Invalid($"network name '{request.Name}': {nameProblem}");
        }

        string bridge = request.Bridge ?? request.Name;
        if (Links.ValidateName(bridge) is { } bridgeProblem)
        {
            return HospesError.Invalid($"bridge name '{bridge}': {bridgeProblem}{(request.Bridge is null ? "; give a shorter one with --bridge" : "")}");
        }

        if (!Ipv4Subnet.TryParse(request.Subnet, out Ipv4Subnet subnet, out string? subnetProblem))
        {
            return HospesError.Invalid($"subnet '{request.Subnet}': {subnetProblem}");
        }

        if (request.Mode is not ("nat" or "isolated"))
        {
            return HospesError.Invalid($"mode '{request.Mode}' is not known; use nat (guests reach beyond the host) or isolated (guests reach each other and the host only)");
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            IReadOnlyList<NetworkRecord> all = All;
            if (all.FirstOrDefault(n => n.Name == request.Name) is { } same)
            {
                return HospesError.Conflict($"a network named '{request.Name}' already exists ({same.Subnet}); choose another name or `hospes network delete {request.Name}` first");
            }

            if (all.FirstOrDefault(n => n.Bridge == bridge) is { } sameBridge)
            {
                return HospesError.Conflict($"bridge '{bridge}' already belongs to network '{sameBridge.Name}'; choose another with --bridge");
            }

            if (all.FirstOrDefault(n => Subnet(n).Overlaps(subnet)) is { } overlapping)
            {
                return HospesError.Conflict($"subnet {subnet} overlaps network '{overlapping.Name}' ({overlapping.Subnet}); choose a subnet outside it");
            }

            if (await HostClashAsync(bridge, subnet, ct).ConfigureAwait(false) is { } clash)
            {
                return clash;
            }

            var record = new NetworkRecord { Name = request.Name, Bridge = bridge, Subnet = subnet.ToString(), Mode = request.Mode, CreatedAt = _time.GetUtcNow() };
            await using var revert = new Reverter();
            if (!_db.TryInsertNetwork(record))
            {
                return HospesError.Conflict($"the state DB already holds a network named '{record.Name}' or one on bridge '{bridge}'");
            }

            revert.Add(() => _db.DeleteNetwork(record.Name));
            Result<bool> up = await ActivateCoreAsync(record, ct).ConfigureAwait(false);
            if (!up.IsOk)
            {
                return up.Error with { Message = $"{up.Error.Message}; nothing was created" };
            }

            revert.Commit();
            LogCreated(record.Name, record.Bridge, record.Subnet, record.Mode);
            return record;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<Result<NetworkRecord>> DeleteAsync(string name, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Result<NetworkRecord> found = Find(name);
            if (!found.IsOk)
            {
                return found.Error;
            }

            NetworkRecord n = found.Value;
            IReadOnlyList<NetworkRecord> all = All;
            List<string> users = [.. Specs().Where(s => s.Vifs.Any(v => NetworkOf(v, all)?.Name == n.Name)).Select(s => s.Name)];
            if (users.Count > 0)
            {
                return HospesError.State($"network '{name}' is used by {users.Count} VM(s): {string.Join(", ", users)}; delete them or move their vifs to another network first");
            }

            await TeardownAsync(n.Name, n.Bridge, ct).ConfigureAwait(false);
            _db.DeleteNetwork(n.Name);
            if (n.Name == DefaultNetwork)
            {
                // Deleted on purpose: not made again at the next start.
                _ = _db.MetaValue("default_network_deleted", () => "yes");
            }

            LogDeleted(n.Name);
            return n;
        }
        catch (NetToolException e)
        {
            return HospesError.Unavailable($"network '{name}': {e.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<NetworkInfo> InfoAsync(NetworkRecord n, CancellationToken ct)
    {
        bool active = false;
        try
        {
            active = (await _links.ListAsync(ct).ConfigureAwait(false)).Any(l => l.Name == n.Bridge && l.Alias == Alias(n.Name));
        }
        catch (NetToolException)
        {
        }

        Ipv4Subnet subnet = Subnet(n);
        IReadOnlyList<NetworkRecord> all = All;
        return new NetworkInfo
        {
            Name = n.Name,
            Bridge = n.Bridge,
            Subnet = n.Subnet,
            Gateway = subnet.Gateway.ToString(),
            Mode = n.Mode,
            Active = active,
            DnsmasqPid = Dnsmasq.RunningPid(NetworkDir(n.Name)),
            Vms = [.. Specs().SelectMany(s => s.Vifs.Where(v => NetworkOf(v, all)?.Name == n.Name).Select(v => $"{s.Name} ({v.Ip})"))],
            PortForwards = [.. ForwardInfos().Where(f => f.Network == n.Name)],
            CreatedAt = n.CreatedAt,
        };
    }

    /// <summary>Deletes the network's bridge, rules and dnsmasq (whatever of them exists).</summary>
    private async Task TeardownAsync(string name, string bridge, CancellationToken ct)
    {
        string dir = NetworkDir(name);
        await _dnsmasq.StopAsync(dir, ct).ConfigureAwait(false);
        await _nft.DeleteTableAsync(TableName(bridge), ct).ConfigureAwait(false);
        IReadOnlyList<LinkInfo> links = await _links.ListAsync(ct).ConfigureAwait(false);
        if (links.Any(l => l.Name == bridge && l.Alias == Alias(name)))
        {
            await _links.DeleteAsync(bridge, ct).ConfigureAwait(false);
        }

        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Brings a network up (idempotent): bridge with the gateway address, forwarding, rules, dnsmasq with every vif's lease.</summary>
    private async Task<Result<bool>> ActivateCoreAsync(NetworkRecord n, CancellationToken ct)
    {
        Ipv4Subnet subnet = Subnet(n);
        bool made = false;
        try
        {
            IReadOnlyList<LinkInfo> links = await _links.ListAsync(ct).ConfigureAwait(false);
            LinkInfo? bridge = links.FirstOrDefault(l => l.Name == n.Bridge);
            if (bridge is null)
            {
                if (await HostClashAsync(n.Bridge, subnet, ct).ConfigureAwait(false) is { } clash)
                {
                    return clash;
                }

                made = true;
                await _links.CreateBridgeAsync(n.Bridge, Alias(n.Name), ct).ConfigureAwait(false);
                await _links.AddAddressAsync(n.Bridge, subnet.Gateway, subnet.PrefixLength, ct).ConfigureAwait(false);
            }
            else if (bridge.Alias != Alias(n.Name))
            {
                return HospesError.Conflict($"network '{n.Name}': the host already has an interface named '{n.Bridge}' that this hospesd did not make; delete the network and create it with another --bridge");
            }

            if (n.Mode == "nat")
            {
                await _links.SetSysctlAsync("net.ipv4.ip_forward", "1", ct).ConfigureAwait(false);
            }

            // Port forwards from the host's own 127.0.0.1 are routed onto the bridge.
            await _links.SetSysctlAsync(Links.InterfaceSysctl(n.Bridge, "route_localnet"), "1", ct).ConfigureAwait(false);
            await _nft.ApplyAsync(NftFor(n), ct).ConfigureAwait(false);
            Directory.CreateDirectory(NetworkDir(n.Name));
            await _dnsmasq.UpdateHostsAsync(DnsmasqFor(n), ct).ConfigureAwait(false);
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

    /// <summary>A bridge name the host already uses, or a subnet the host already routes.</summary>
    private async Task<HospesError?> HostClashAsync(string bridge, Ipv4Subnet subnet, CancellationToken ct)
    {
        try
        {
            if ((await _links.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(l => l.Name == bridge) is { } link)
            {
                return HospesError.Conflict($"the host already has an interface named '{bridge}'{(link.Alias?.StartsWith("hospes:", StringComparison.Ordinal) == true ? " (another hospesd's)" : "")}; choose another bridge name with --bridge");
            }

            foreach ((IPAddress network, int prefix) in await _links.Ipv4NetworksInUseAsync(ct).ConfigureAwait(false))
            {
                if (subnet.Overlaps(network, prefix))
                {
                    return HospesError.Conflict($"subnet {subnet} overlaps {network}/{prefix}, which this host already routes; choose a subnet outside it");
                }
            }

            return null;
        }
        catch (NetToolException e)
        {
            return HospesError.Unavailable($"cannot check the host's interfaces: {e.Message}");
        }
    }

    private async Task EnsureDefaultAsync(CancellationToken ct)
    {
        if (All.Any(n => n.Name == DefaultNetwork) || _db.MetaValue("default_network_deleted", () => "no") == "yes")
        {
            return;
        }

        // The first 10.254.N.0/24 that neither the host nor another network uses; checked again when it comes up.
        var routed = await _links.Ipv4NetworksInUseAsync(ct).ConfigureAwait(false);
        var networks = All.Select(Subnet).ToList();
        for (int i = 0; i < 256; i++)
        {
            Ipv4Subnet candidate = Ipv4Subnet.Parse($"10.254.{i}.0/24");
            if (routed.Any(r => candidate.Overlaps(r.Network, r.Prefix)) || networks.Any(n => n.Overlaps(candidate)))
            {
                continue;
            }

            _db.TryInsertNetwork(new NetworkRecord { Name = DefaultNetwork, Bridge = DefaultBridge, Subnet = candidate.ToString(), Mode = "nat", CreatedAt = _time.GetUtcNow() });
            return;
        }
    }

    private string NetworkDir(string name) => Path.Combine(NetworksDir, name);

    private string Alias(string network) => $"{AliasPrefix}net:{network}";

    /// <summary>nftables table names: letters, digits and '_'.</summary>
    private static string TableName(string bridge) => "hospes_" + string.Concat(bridge.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));

    private static Ipv4Subnet Subnet(NetworkRecord n) =>
        Ipv4Subnet.TryParse(n.Subnet, out Ipv4Subnet s, out string? problem) ? s : throw new InvalidOperationException($"network {n.Name}: stored subnet {n.Subnet}: {problem}");

    private NftNetwork NftFor(NetworkRecord n) => new(
        TableName(n.Bridge), n.Bridge, Subnet(n), n.Mode == "nat" ? NetworkMode.Nat : NetworkMode.Isolated,
        [.. ForwardsOn(n).Select(f => new PortForward(f.Protocol, f.HostPort, IPAddress.Parse(f.GuestIp), f.GuestPort))]);

    private DnsmasqSpec DnsmasqFor(NetworkRecord n)
    {
        IReadOnlyList<NetworkRecord> all = All;
        var hosts = Specs()
            .SelectMany(s => s.Vifs.Where(v => v.Ip is not null && v.Mac is not null && NetworkOf(v, all)?.Name == n.Name)
                .Select(v => new DhcpHost(v.Mac!, IPAddress.Parse(v.Ip!), s.Name)))
            .ToList();
        return new DnsmasqSpec(n.Name, n.Bridge, Subnet(n), n.Mode == "nat" ? NetworkMode.Nat : NetworkMode.Isolated, NetworkDir(n.Name), hosts);
    }

    /// <summary>Network names: like VM names, but short enough to be a bridge name too.</summary>
    private static string? ValidateName(string name)
    {
        if (VmName.Validate(name) is { } problem)
        {
            return problem;
        }

        return name.Length > 32 ? "at most 32 characters are allowed" : null;
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "networks: {Problem}")]
    private partial void LogStartupProblem(string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "network {Name} created: bridge {Bridge}, {Subnet}, {Mode}")]
    private partial void LogCreated(string name, string bridge, string subnet, string mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "network {Name} deleted")]
    private partial void LogDeleted(string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "network repair: {Thing} {Name}: {Why}")]
    private partial void LogRepair(string thing, string name, string why);
}
