using Hospes.Contracts;
using Hospes.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>Memory: a VM's balloon (mem-set, mem-max), the host's memory, and `hospes top`.</summary>
internal static class MemoryEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/host/memory", (HospesHost h) => Results.Json(h.HostMemory()));
        app.MapGet("/v1/top", (HospesHost h) => Results.Json(h.Top()));
        app.MapGet("/v1/vms/{vm}/memory", (string vm, HospesHost h) => ApiResults.From(h.VmMemory(vm)));
        app.MapPut("/v1/vms/{vm}/memory/target", async (string vm, MemorySizeRequest request, HospesHost h) => ApiResults.From(await h.MemSetAsync(vm, request)));
        app.MapPut("/v1/vms/{vm}/memory/max", async (string vm, MemorySizeRequest request, HospesHost h) => ApiResults.From(await h.MemMaxAsync(vm, request)));
    }
}
