using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.State;
using Hospes.Host.Vms.Cpus;

namespace Hospes.Host.Edge;

/// <summary>A VM's vCPUs as the API shows them: vcpu-list, vcpu-set, vcpu-pin.</summary>
public sealed class VcpusApi
{
    private readonly VcpuService _vcpus;

    internal VcpusApi(VcpuService vcpus) => _vcpus = vcpus;

    public async Task<Result<VcpuInfo[]>> ListAsync(string vm, CancellationToken ct) =>
        ResultMap.Map(await _vcpus.ListAsync(vm, ct).ConfigureAwait(false), rows => rows.Select(Create).ToArray());

    public async Task<Result<VcpuInfo[]>> SetAsync(string vm, VcpuSetRequest request, CancellationToken ct) =>
        await Then(vm, await _vcpus.SetAsync(vm, request.Count).ConfigureAwait(false), ct).ConfigureAwait(false);

    public async Task<Result<VcpuInfo[]>> PinAsync(string vm, VcpuPinRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Cpus))
        {
            return HospesError.Invalid($"vcpu-pin {vm}: no host CPUs given; send \"cpus\": \"0-1\" or \"all\"");
        }

        return await Then(vm, await _vcpus.PinAsync(vm, request.Vcpu, request.Cpus).ConfigureAwait(false), ct).ConfigureAwait(false);
    }

    private async Task<Result<VcpuInfo[]>> Then(string vm, Result<VmRecord> done, CancellationToken ct) =>
        done.IsOk ? await ListAsync(vm, ct).ConfigureAwait(false) : done.Error;

    private static VcpuInfo Create(VcpuRow r) => new()
    {
        Name = r.Vm,
        Id = r.DomId,
        Vcpu = r.Vcpu,
        Cpu = r.Cpu,
        State = r.State,
        TimeS = Math.Round(r.CpuSeconds, 1),
        Affinity = r.Affinity,
    };
}
