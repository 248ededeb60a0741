using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>A VM's vCPUs: vcpu-list, vcpu-set, vcpu-pin.</summary>
internal static class VcpuEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.VmVcpus, async (string vm, VcpusApi vcpus, CancellationToken ct) => ApiResults.From(await vcpus.ListAsync(vm, ct)));
        app.MapPut(Routes.VmVcpus, async (string vm, VcpuSetRequest request, VcpusApi vcpus, CancellationToken ct) => ApiResults.From(await vcpus.SetAsync(vm, request, ct)));
        app.MapPut(Routes.VmVcpuAffinity, async (string vm, VcpuPinRequest request, VcpusApi vcpus, CancellationToken ct) => ApiResults.From(await vcpus.PinAsync(vm, request, ct)));
    }
}
