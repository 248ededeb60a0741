using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>xl sched-credit: a VM's CPU weight and cap.</summary>
internal static class SchedEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.VmSchedCredit, (string name, VmsApi vms) => ApiResults.From(vms.SchedCredit(name)));
        app.MapPut(Routes.VmSchedCredit, async (string name, SchedCreditRequest request, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.SetSchedCreditAsync(name, request, ct)));
    }
}
