using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Network.Tools;

namespace Hospes.Host.Network;

internal sealed partial class NetworkService
{
    public async Task<IReadOnlyList<NetworkStatus>> ListAsync(CancellationToken ct)
    {
        var list = new List<NetworkStatus>();
        foreach (NetworkRecord n in All)
        {
            list.Add(await StatusAsync(n, ct).ConfigureAwait(false));
        }

        return list;
    }

    public async Task<Result<NetworkStatus>> GetAsync(string name, CancellationToken ct)
    {
        Result<NetworkRecord> found = Find(name);
        return found.IsOk ? await StatusAsync(found.Value, ct).ConfigureAwait(false) : found.Error;
    }

    /// <summary>A VM's vifs: where each goes, and its tap while the VM runs.</summary>
    public Result<IReadOnlyList<VifStatus>> VifsOf(string vm)
    {
        Result<IVm> found = _vms.Find(vm);
        return found.IsOk ? Result.Ok<IReadOnlyList<VifStatus>>(Vifs(found.Value.Record.Spec, found.Value.Pid is not null)) : found.Error;
    }

    private async Task<NetworkStatus> StatusAsync(NetworkRecord n, CancellationToken ct)
    {
        bool active = false;
        try
        {
            active = IsUp(n, await _host.ListLinksAsync(ct).ConfigureAwait(false));
        }
        catch (NetToolException)
        {
        }

        IReadOnlyList<NetworkRecord> all = All;
        return new NetworkStatus(
            n,
            NetworkSpecs.Subnet(n).Gateway.ToString(),
            active,
            _host.DhcpPid(NetworkDir(n.Name)),
            [.. Specs().SelectMany(s => s.Vifs.Where(v => NetworkOf(v, all)?.Name == n.Name).Select(v => new NetworkMember(s.Name, v.Ip)))],
            [.. Forwards().Where(f => f.Network == n.Name)]);
    }

    private List<VifStatus> Vifs(VmSpec spec, bool running)
    {
        IReadOnlyList<NetworkRecord> networks = All;
        var list = new List<VifStatus>();
        for (int i = 0; i < spec.Vifs.Count; i++)
        {
            VifSpec vif = spec.Vifs[i];
            Result<VifTarget> target = Resolve(vif, networks);
            string tap = TapName(spec, i);
            list.Add(new VifStatus(
                i,
                vif.Mac,
                vif.Ip,
                vif.Model,
                target.IsOk ? target.Value.Network?.Name : null,
                target.IsOk ? target.Value.Bridge : $"(missing: {vif.Bridge ?? DefaultNetwork})",
                running && _host.LinkExists(tap) ? tap : null));
        }

        return list;
    }
}
