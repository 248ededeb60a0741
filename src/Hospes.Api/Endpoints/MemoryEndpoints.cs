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
        app.MapGet(Routes.HostMemory, (HospesHost h) => Results.Json(h.HostMemory()));
        app.MapGet(Routes.Top, (HospesHost h) => Results.Json(h.Top()));
        app.MapGet(Routes.VmMemory, (string vm, HospesHost h) => ApiResults.From(h.VmMemory(vm)));
        app.MapPut(Routes.VmMemoryTarget, async (string vm, MemorySizeRequest request, HospesHost h) => ApiResults.From(await h.MemSetAsync(vm, request)));
        app.MapPut(Routes.VmMemoryMax, async (string vm, MemorySizeRequest request, HospesHost h) => ApiResults.From(await h.MemMaxAsync(vm, request)));
    }
}
