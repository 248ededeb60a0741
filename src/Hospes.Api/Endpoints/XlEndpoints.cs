using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>xl's commands on a guest: sysrq, trigger, dump-core, cd-insert and cd-eject through its QEMU; rename.</summary>
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
        app.MapPost(Routes.VmRename, async (string name, RenameRequest request, VmsApi vms, AccessGate access, CancellationToken ct) =>
        {
            Result<VmInfo> renamed = await vms.RenameAsync(name, request, ct);

            // The VM's grants moved to its new path in the state DB; the gate's snapshot of them is taken again.
            access.Reload();
            return ApiResults.From(renamed);
        });
        app.MapPut(Routes.VmCdrom, async (string name, string vdev, CdInsertRequest request, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.CdInsertAsync(name, vdev, request, ct)));
        app.MapDelete(Routes.VmCdrom, async (string name, string vdev, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.CdEjectAsync(name, vdev, ct)));
    }
}
