using System.Security.Cryptography;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Network;
using Hospes.Network.Addressing;
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
    private readonly INetworkHost _host;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    // Networks change (create, delete, bring up) one at a time.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string _instance = "";

    public NetworkService(StateDb db, IVmDirectory vms, HostOptions options, INetworkHost host, TimeProvider time, ILoggerFactory logs)
    {
        _db = db;
        _vms = vms;
        _options = options;
        _host = host;
        _time = time;
        _log = logs.CreateLogger("Hospes.Network");
    }

    public string NetworksDir => StateModes.Networks(_options);

    public IReadOnlyList<NetworkRecord> All => _db.LoadNetworks();

    /// <summary>Found on every link Hospes made, so it removes those and only those.</summary>
    private string AliasPrefix => $"hospes:{_instance}:";

    public Result<NetworkRecord> Find(string name) =>
        All.FirstOrDefault(n => n.Name == name) is { } n
            ? n
            : HospesError.NotFound($"no network named '{name}' on this host; `hospes network list` shows them, `hospes network create {name} --subnet CIDR` makes one");

    /// <summary>At start, before the VMs: this state dir's mark on links, and the default network's row.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        _instance = _db.MetaValue("instance", () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        StateModes.CreatePrivate(NetworksDir);
        Directory.CreateDirectory(StateModes.DnsmasqDir(_options), StateModes.PassThrough);
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

    /// <summary>Makes the network and brings it up; nothing of it is left when that fails.</summary>
    public async Task<Result<NetworkStatus>> CreateAsync(NetworkDefinition request, CancellationToken ct)
    {
        Result<NetworkRecord> made = await CreateRecordAsync(request, ct).ConfigureAwait(false);
        return made.IsOk ? await StatusAsync(made.Value, ct).ConfigureAwait(false) : made.Error;
    }

    /// <summary>Deletes an unused network with its bridge, rules and dnsmasq; returns it as it was, now inactive.</summary>
    public async Task<Result<NetworkStatus>> DeleteAsync(string name, CancellationToken ct)
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

            NetworkStatus status = await StatusAsync(n, ct).ConfigureAwait(false);
            await TeardownAsync(n.Name, n.Bridge, ct).ConfigureAwait(false);
            _db.DeleteNetwork(n.Name);
            if (n.Name == DefaultNetwork)
            {
                // Deleted on purpose: not made again at the next start.
                _db.SetMetaValue(DefaultDeletedKey, "yes");
            }

            LogDeleted(n.Name);
            return status with { Active = false, DnsmasqPid = null };
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

    public void Dispose() => _gate.Dispose();

    private async Task<Result<NetworkRecord>> CreateRecordAsync(NetworkDefinition request, CancellationToken ct)
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

            if (all.FirstOrDefault(n => NetworkSpecs.Subnet(n).Overlaps(subnet)) is { } overlapping)
            {
                return HospesError.Conflict($"subnet {subnet} overlaps network '{overlapping.Name}' ({overlapping.Subnet}); choose a subnet outside it");
            }

            if (await HostClash.CheckAsync(_host, bridge, subnet, ct).ConfigureAwait(false) is { } clash)
            {
                return clash;
            }

            var record = new NetworkRecord { Name = request.Name, Bridge = bridge, Subnet = subnet.ToString(), Mode = request.Mode, CreatedAt = _time.GetUtcNow(), Project = request.Project };
            await using var revert = new Reverter();
            if (!_db.TryInsertNetwork(record))
            {
                return HospesError.Conflict($"the state DB already holds a network named '{record.Name}' or one on bridge '{bridge}'");
            }

            revert.Add(() => _db.DeleteNetwork(record.Name));
            Result<bool> up = await ActivateCoreAsync(record, null, ct).ConfigureAwait(false);
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

    /// <summary>Set when the default network was deleted on purpose (once "no" was written first and never overwritten: it came back).</summary>
    private const string DefaultDeletedKey = "default_network_deleted";

    /// <summary>A new host gets a default network, unless it was deleted on purpose; its subnet is checked again when it comes up.</summary>
    private async Task EnsureDefaultAsync(CancellationToken ct)
    {
        if (All.Any(n => n.Name == DefaultNetwork) || _db.MetaValue(DefaultDeletedKey) == "yes")
        {
            return;
        }

        var routed = await _host.Ipv4NetworksInUseAsync(ct).ConfigureAwait(false);
        if (DefaultSubnet.Choose(routed, [.. All.Select(NetworkSpecs.Subnet)]) is { } subnet)
        {
            _db.TryInsertNetwork(new NetworkRecord { Name = DefaultNetwork, Bridge = DefaultBridge, Subnet = subnet.ToString(), Mode = "nat", CreatedAt = _time.GetUtcNow() });
        }
    }

    /// <summary>The specs of this host's VMs.</summary>
    private IReadOnlyList<VmSpec> Specs() => [.. _vms.All.Select(v => v.Record.Spec)];

    private string NetworkDir(string name) => Path.Combine(NetworksDir, name);

    private string HostsDir(string name) => StateModes.DnsmasqHostsDir(_options, name);

    private string Alias(string network) => $"{AliasPrefix}net:{network}";

    /// <summary>Network names: like VM names, but short enough to be a bridge name too.</summary>
    private static string? ValidateName(string name)
    {
        if (VmName.Validate(name) is { } problem)
        {
            return problem;
        }

        return name.Length > 32 ? "at most 32 characters are allowed" : null;
    }
}
