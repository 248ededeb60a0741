using System.Net;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Machine;
using Hospes.Host.Network;
using Hospes.Host.State;

namespace Hospes.Host.Edge;

/// <summary>Networks, a VM's vifs and port forwards, and the ways into a guest (ssh, the TCP relay), as the API shows them.</summary>
public sealed class NetworksApi
{
    private readonly NetworkService _networks;
    private readonly GuestAccess _guests;
    private readonly ProjectQuotas _quotas;
    private readonly IObjectProjects _projects;

    internal NetworksApi(NetworkService networks, GuestAccess guests, ProjectQuotas quotas, IObjectProjects projects)
    {
        _quotas = quotas;
        _projects = projects;
        _networks = networks;
        _guests = guests;
    }

    public async Task<IReadOnlyList<NetworkInfo>> ListAsync(CancellationToken ct, string? project = null, Func<string, string, bool>? visible = null) =>
        [.. (await _networks.ListAsync(ct).ConfigureAwait(false)).Where(n => VmsApi.Shows(n.Network.Project, n.Network.Name, project, visible)).Select(NetworkInfoFactory.Create)];

    public async Task<Result<NetworkInfo>> GetAsync(string name, CancellationToken ct) =>
        ResultMap.Map(await _networks.GetAsync(name, ct).ConfigureAwait(false), NetworkInfoFactory.Create);

    public async Task<Result<NetworkInfo>> CreateAsync(NetworkCreateRequest request, CancellationToken ct, string project = StateDb.DefaultProject)
    {
        if (_quotas.Missing(project) is { } missing)
        {
            return missing;
        }

        var definition = new NetworkDefinition(request.Name, request.Subnet, request.Mode, request.Bridge, project);
        return ResultMap.Map(await _networks.CreateAsync(definition, ct).ConfigureAwait(false), NetworkInfoFactory.Create);
    }

    public async Task<Result<NetworkInfo>> DeleteAsync(string name, CancellationToken ct) =>
        ResultMap.Map(await _networks.DeleteAsync(name, ct).ConfigureAwait(false), NetworkInfoFactory.Create);

    public Result<IReadOnlyList<VifInfo>> ListVifs(string vm) =>
        ResultMap.Map(_networks.VifsOf(vm), vifs => (IReadOnlyList<VifInfo>)[.. vifs.Select(NetworkInfoFactory.Create)]);

    /// <summary>A VM's forwards, or every forward of the host when <paramref name="vm"/> is null.</summary>
    /// <remarks>The host's list (<paramref name="vm"/> null) shows the forwards of VMs of <paramref name="project"/> that <paramref name="visible"/> lets through.</remarks>
    public Result<IReadOnlyList<PortForwardInfo>> ListPortForwards(string? vm, string? project = null, Func<string, string, bool>? visible = null) =>
        ResultMap.Map(_networks.ForwardsOf(vm), forwards => (IReadOnlyList<PortForwardInfo>)[.. forwards
            .Where(f => vm is not null || VmsApi.Shows(_projects.ProjectOf("vms", f.Vm), f.Vm, project, visible))
            .Select(NetworkInfoFactory.Create)]);

    public async Task<Result<PortForwardInfo>> AddPortForwardAsync(string vm, PortForwardRequest request, CancellationToken ct)
    {
        // JSON's null passes for the non-nullable protocol: without this, a NullReferenceException (a 500).
        if (request.Protocol is null)
        {
            return HospesError.Invalid($"cannot forward a port to {vm}: the protocol is null; give \"tcp\" or \"udp\", or leave it out for tcp");
        }

        var forward = new ForwardSpec(request.Protocol, request.HostPort, request.GuestPort, request.Vif);
        return ResultMap.Map(await _networks.AddForwardAsync(vm, forward, ct).ConfigureAwait(false), NetworkInfoFactory.Create);
    }

    public async Task<Result<PortForwardInfo>> RemovePortForwardAsync(string vm, string protocol, int hostPort, CancellationToken ct) =>
        ResultMap.Map(await _networks.RemoveForwardAsync(vm, protocol, hostPort, ct).ConfigureAwait(false), NetworkInfoFactory.Create);

    public Result<SshTarget> SshTarget(string vm) => ResultMap.Map(_guests.Ssh(vm), NetworkInfoFactory.Create);

    /// <summary>
    /// An ssh target another member answered, with this host's own keys in place of that host's paths: `hospes ssh`
    /// runs here and can read only this host's files (in a cluster the current key is the cluster's on every member).
    /// </summary>
    public SshTarget WithLocalKeys(SshTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        IReadOnlyList<string> paths = _guests.KeyPaths;
        return target with { KeyPath = paths[0], KeyPaths = paths };
    }

    /// <summary>Where the TCP relay connects: a running VM's first address.</summary>
    public Result<IPEndPoint> GuestEndpoint(string vm, int port) => _guests.Endpoint(vm, port);
}
