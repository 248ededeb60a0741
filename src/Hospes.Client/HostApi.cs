using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>This host (QEMU, accelerator, CPUs, memory) and config file checks.</summary>
public sealed class HostApi
{
    private readonly HospesConnection _c;

    internal HostApi(HospesConnection connection) => _c = connection;

    public Task<HostInfo> InfoAsync(CancellationToken ct) => _c.SendAsync<HostInfo>(HttpMethod.Get, Routes.Host, null, ct);

    /// <summary>Parses and validates a config file; problems this host would refuse at create are warnings here.</summary>
    public Task<ConfigCheckResponse> CheckConfigAsync(ConfigRequest request, CancellationToken ct) =>
        _c.SendAsync<ConfigCheckResponse>(HttpMethod.Post, Routes.ConfigCheck, request, ct);
}
