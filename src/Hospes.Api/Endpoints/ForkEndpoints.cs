using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>Fork (issue 16): running copies of a running VM.</summary>
internal static class ForkEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.VmFork, async (string name, ForkRequest request, ForksApi forks, ClusterForwarding cluster, CancellationToken ct) =>
            ForkHost.Refusal(name, request.Host, cluster.HostName) is { } refused
                ? ApiResults.Error(refused)
                : ApiResults.From(await forks.ForkAsync(name, request, ct)));
    }
}
