using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>A VM's lifecycle, as xl has it.</summary>
public sealed partial class VmsApi
{
    private readonly HospesConnection _c;

    internal VmsApi(HospesConnection connection) => _c = connection;

    public Task<IReadOnlyList<VmInfo>> ListAsync(CancellationToken ct) => _c.SendAsync<IReadOnlyList<VmInfo>>(HttpMethod.Get, Routes.Vms, null, ct);

    /// <summary>In a cluster: <paramref name="local"/> lists this host's VMs only, else every host's.</summary>
    public Task<IReadOnlyList<VmInfo>> ListAsync(bool local, CancellationToken ct) =>
        _c.SendAsync<IReadOnlyList<VmInfo>>(HttpMethod.Get, local ? Routes.Query(Routes.Vms, "local", "true") : Routes.Vms, null, ct);

    public Task<VmInfo> GetAsync(string name, CancellationToken ct) => _c.SendAsync<VmInfo>(HttpMethod.Get, Routes.Path(Routes.Vm, name), null, ct);

    /// <summary>Defines a VM from a config file and, unless <see cref="CreateVmRequest.Start"/> is false, starts it.</summary>
    public Task<CreateVmResponse> CreateAsync(CreateVmRequest request, CancellationToken ct) => _c.SendAsync<CreateVmResponse>(HttpMethod.Post, Routes.Vms, request, ct);

    /// <summary>Removes the definition and logs (not the disks); <paramref name="force"/> destroys a running VM first.</summary>
    public Task<VmInfo> DeleteAsync(string name, bool force, CancellationToken ct)
    {
        string path = Routes.Path(Routes.Vm, name);
        return _c.SendAsync<VmInfo>(HttpMethod.Delete, force ? Routes.Query(path, "force", "true") : path, null, ct);
    }

    public Task<VmInfo> StartAsync(string name, CancellationToken ct) => Action(Routes.VmStart, name, null, ct);

    public Task<VmInfo> PauseAsync(string name, CancellationToken ct) => Action(Routes.VmPause, name, null, ct);

    public Task<VmInfo> UnpauseAsync(string name, CancellationToken ct) => Action(Routes.VmUnpause, name, null, ct);

    /// <summary>Hard power-off; the definition stays.</summary>
    public Task<VmInfo> DestroyAsync(string name, CancellationToken ct) => Action(Routes.VmDestroy, name, null, ct);

    public Task<VmInfo> ShutdownAsync(string name, ShutdownRequest request, CancellationToken ct) => Action(Routes.VmShutdown, name, request, ct);

    public Task<VmInfo> RebootAsync(string name, ShutdownRequest request, CancellationToken ct) => Action(Routes.VmReboot, name, request, ct);

    public Task<VmInfo> SaveAsync(string name, SaveRequest request, CancellationToken ct) => Action(Routes.VmSave, name, request, ct);

    public Task<VmInfo> RestoreAsync(RestoreRequest request, CancellationToken ct) => _c.SendAsync<VmInfo>(HttpMethod.Post, Routes.Restore, request, ct);

    /// <summary>Running copies of a running VM that share its memory copy-on-write; the VM runs on.</summary>
    public Task<ForkResult> ForkAsync(string name, ForkRequest request, CancellationToken ct) =>
        _c.SendAsync<ForkResult>(HttpMethod.Post, Routes.Path(Routes.VmFork, name), request, ct);

    private Task<VmInfo> Action(string route, string name, object? body, CancellationToken ct) =>
        _c.SendAsync<VmInfo>(HttpMethod.Post, Routes.Path(route, name), body, ct);
}
