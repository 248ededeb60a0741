using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>A running VM's guest agent: ping, info, exec, set-time.</summary>
internal static class GuestEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.VmGuestPing, async (string name, GuestApi guest, CancellationToken ct) => ApiResults.From(await guest.PingAsync(name, ct)));
        app.MapGet(Routes.VmGuest, async (string name, GuestApi guest, CancellationToken ct) => ApiResults.From(await guest.InfoAsync(name, ct)));
        app.MapPost(Routes.VmGuestExec, async (string name, GuestExecRequest request, GuestApi guest, CancellationToken ct) =>
            ApiResults.From(await guest.ExecAsync(name, request, ct)));
        app.MapPost(Routes.VmGuestTime, async (string name, GuestApi guest, CancellationToken ct) => ApiResults.From(await guest.SetTimeAsync(name, ct)));
    }
}
