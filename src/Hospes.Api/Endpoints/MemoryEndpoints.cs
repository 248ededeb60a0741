using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>Memory: a VM's balloon (mem-set, mem-max), the host's memory, and `hospes top`.</summary>
internal static class MemoryEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.HostMemory, (MemoryApi memory) => Results.Json(memory.Host()));
        app.MapGet(Routes.HostMemoryHistory, (MemoryApi memory) => Results.Json(memory.History()));
        app.MapGet(Routes.Top, (string? project, MemoryApi memory, AccessGate access, HttpContext http) =>
            Results.Json(memory.Top(project, Projects.Filter(access, http), access.MaySeeHost(Callers.Of(http)))));
        app.MapGet(Routes.VmMemory, (string vm, MemoryApi memory) => ApiResults.From(memory.Vm(vm)));
        app.MapPut(Routes.VmMemoryTarget, async (string vm, MemorySizeRequest request, MemoryApi memory) => ApiResults.From(await memory.SetTargetAsync(vm, request)));
        app.MapPut(Routes.VmMemoryMax, async (string vm, MemorySizeRequest request, MemoryApi memory) => ApiResults.From(await memory.SetMaxAsync(vm, request)));
    }
}
