using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>xl's commands on a running guest through its QEMU: sysrq, trigger, dump-core, cd-insert and cd-eject.</summary>
internal static class XlEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.VmSysrq, async (string name, SysrqRequest request, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.SysrqAsync(name, request, ct)));
        app.MapPost(Routes.VmTrigger, async (string name, TriggerRequest request, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.TriggerAsync(name, request, ct)));
        app.MapPost(Routes.VmDumpCore, async (string name, DumpCoreRequest request, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.DumpCoreAsync(name, request, ct)));
        app.MapPut(Routes.VmCdrom, async (string name, string vdev, CdInsertRequest request, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.CdInsertAsync(name, vdev, request, ct)));
        app.MapDelete(Routes.VmCdrom, async (string name, string vdev, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.CdEjectAsync(name, vdev, ct)));
    }
}
