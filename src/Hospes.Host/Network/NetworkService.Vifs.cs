using System.Net;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Network.Addressing;
using Hospes.Network.Tools;
using Hospes.Qemu.CommandLine;

namespace Hospes.Host.Network;

/// <summary>Where a vif goes: a Hospes network, or a host bridge Hospes does not manage.</summary>
internal sealed record VifTarget(NetworkRecord? Network, string Bridge);

internal sealed partial class NetworkService
{
    /// <summary>The Hospes network a vif names (by network name or by its bridge); null for a host bridge or an unknown name.</summary>
    public static NetworkRecord? NetworkOf(VifSpec vif, IReadOnlyList<NetworkRecord> networks)
    {
        string name = vif.Bridge ?? DefaultNetwork;
        return networks.FirstOrDefault(n => n.Name == name) ?? networks.FirstOrDefault(n => n.Bridge == name);
    }

    /// <summary>Where a vif goes: its Hospes network, else a bridge of the host by that name.</summary>
    public Result<VifTarget> Resolve(VifSpec vif, IReadOnlyList<NetworkRecord> networks)
    {
        if (NetworkOf(vif, networks) is { } network)
        {
            return new VifTarget(network, network.Bridge);
        }

        string name = vif.Bridge ?? DefaultNetwork;
        if (vif.Bridge is not null && _host.IsBridge(name))
        {
            return new VifTarget(null, name);
        }

        return vif.Bridge is null
            ? HospesError.NotFound("vif: the default network does not exist on this host (it was deleted); name a network with bridge=NAME or `hospes network create default --subnet CIDR`")
            : HospesError.NotFound($"vif '{vif.Source ?? vif.Bridge}': there is no network or host bridge named '{name}'; `hospes network list` shows the networks, `hospes network create {name} --subnet CIDR` makes one");
    }

    /// <summary>
    /// Define time: every vif's network must exist, its MAC be unique on the host, its ip free and inside the
    /// network; a vif without ip gets the lowest free address. <paramref name="others"/> are the other VMs.
    /// </summary>
    public Result<VmSpec> Assign(VmSpec spec, IReadOnlyList<VmSpec> others)
    {
        IReadOnlyList<NetworkRecord> networks = All;
        var problems = new List<string>();
        var vifs = new List<VifSpec>();
        var macsHere = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var macsElsewhere = others.SelectMany(o => o.Vifs.Where(v => v.Mac is not null).Select(v => (v.Mac!, o.Name)))
            .GroupBy(x => x.Item1, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < spec.Vifs.Count; i++)
        {
            VifSpec vif = spec.Vifs[i];
            string what = $"vif {i} ('{vif.Source ?? ""}')";
            if (vif.Mac is { } mac)
            {
                if (macsElsewhere.TryGetValue(mac, out string? owner))
                {
                    problems.Add($"{what}: mac {mac} is already used by VM '{owner}'; leave mac= out and Hospes picks a free one");
                }
                else if (!macsHere.Add(mac))
                {
                    problems.Add($"{what}: mac {mac} appears twice in this VM");
                }
            }

            Result<VifTarget> target = Resolve(vif, networks);
            if (!target.IsOk)
            {
                problems.Add($"{what}: {target.Error.Message}");
                vifs.Add(vif);
                continue;
            }

            if (target.Value.Network is not { } network)
            {
                // A host bridge: its DHCP (if any) is not ours; an ip= is the guest's own business.
                vifs.Add(vif);
                continue;
            }

            Ipv4Subnet subnet = NetworkSpecs.Subnet(network);
            var taken = others.SelectMany(o => o.Vifs.Where(v => v.Ip is not null && NetworkOf(v, networks)?.Name == network.Name).Select(v => (Ip: v.Ip!, o.Name)))
                .Concat(vifs.Where(v => v.Ip is not null && NetworkOf(v, networks)?.Name == network.Name).Select(v => (Ip: v.Ip!, spec.Name)))
                .ToList();
            if (vif.Ip is { } ipText)
            {
                IPAddress ip = IPAddress.Parse(ipText);
                if (!subnet.Contains(ip))
                {
                    problems.Add($"{what}: ip {ip} is outside network '{network.Name}' ({subnet}); use an address inside it or leave ip= out");
                }
                else if (!subnet.IsUsableHost(ip))
                {
                    problems.Add($"{what}: ip {ip} is the network, broadcast or gateway address of '{network.Name}' ({subnet}, gateway {subnet.Gateway}); use another");
                }
                else if (taken.FirstOrDefault(t => t.Ip == ip.ToString()) is { Name: { } user })
                {
                    problems.Add($"{what}: ip {ip} on network '{network.Name}' is already taken by VM '{user}'; use another or leave ip= out");
                }

                vifs.Add(vif);
            }
            else if (subnet.FirstFree(taken.Select(t => IPAddress.Parse(t.Ip))) is { } free)
            {
                vifs.Add(vif with { Ip = free.ToString() });
            }
            else
            {
                problems.Add($"{what}: network '{network.Name}' ({subnet}) has no free address left; use a larger subnet");
                vifs.Add(vif);
            }
        }

        if (problems.Count > 0)
        {
            return new HospesError(ErrorCode.InvalidArgument, $"{spec.Name}: {problems[0]}") { Details = problems };
        }

        return spec with { Vifs = vifs };
    }

    /// <summary>The host's tap for a vif: vifname= from the config, else from the VM's uuid (15 characters at most).</summary>
    public static string TapName(VmSpec spec, int index) => spec.Vifs[index].VifName ?? $"hs{spec.Uuid:N}"[..10] + $"-{index}";

    /// <summary>
    /// Before QEMU starts: every network the VM uses is up and its dnsmasq knows the VM's leases. Returns the
    /// QEMU netdev backends: QEMU makes each tap itself (so the kernel removes it when QEMU ends, however it ends).
    /// </summary>
    public async Task<Result<IReadOnlyList<string>>> PrepareAsync(VmSpec spec, CancellationToken ct)
    {
        if (spec.Vifs.Count == 0)
        {
            return Result.Ok<IReadOnlyList<string>>([]);
        }

        IReadOnlyList<NetworkRecord> networks = All;
        var backends = new List<string>();
        for (int i = 0; i < spec.Vifs.Count; i++)
        {
            Result<VifTarget> target = Resolve(spec.Vifs[i], networks);
            if (!target.IsOk)
            {
                return target.Error with { Message = $"{spec.Name} cannot start here: {target.Error.Message}" };
            }

            if (target.Value.Network is { } network)
            {
                await _gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    Result<bool> up = await ActivateCoreAsync(network, spec, ct).ConfigureAwait(false);
                    if (!up.IsOk)
                    {
                        return up.Error with { Message = $"{spec.Name} cannot start: {up.Error.Message}" };
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }

            backends.Add($"tap,ifname={QemuOption.Escape(TapName(spec, i))},script=no,downscript=no");
        }

        return backends;
    }

    /// <summary>After QEMU made its taps (the guest is still paused): each tap joins its bridge and comes up.</summary>
    public async Task<Result<bool>> AttachAsync(VmSpec spec, CancellationToken ct)
    {
        IReadOnlyList<NetworkRecord> networks = All;
        try
        {
            for (int i = 0; i < spec.Vifs.Count; i++)
            {
                Result<VifTarget> target = Resolve(spec.Vifs[i], networks);
                if (!target.IsOk)
                {
                    return target.Error;
                }

                await _host.AttachTapAsync(TapName(spec, i), target.Value.Bridge, ct).ConfigureAwait(false);
            }

            return true;
        }
        catch (NetToolException e)
        {
            return HospesError.Unavailable($"{spec.Name}: cannot put its taps on their bridges: {e.Message}");
        }
    }
}
