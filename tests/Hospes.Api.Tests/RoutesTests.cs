using System.Reflection;
using Hospes.Contracts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hospes.Api.Tests;

/// <summary>The API serves every route of Contracts.Routes (what the client builds), and nothing under /v1 the client does not know.</summary>
public sealed class RoutesTests
{
    [Fact]
    public async Task EveryRouteTheClientKnows_IsServed_AndEveryServedRouteIsOneOfThem()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        HashSet<string> served = [.. api.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText ?? "")
            .Where(p => p.StartsWith("/v1", StringComparison.Ordinal))
            .Select(Plain)];
        HashSet<string> known = [.. typeof(Routes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(r => r.StartsWith("/v1", StringComparison.Ordinal) && r != Routes.Peer) // the peer group's prefix, no endpoint of its own
            .Select(Plain)];

        Assert.Empty(known.Except(served));
        Assert.Empty(served.Except(known));
    }

    /// <summary>A route without parameter constraints ({hostPort:int} is {hostPort}) and without a trailing slash.</summary>
    private static string Plain(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, @"\{(\w+):[^}]+\}", "{$1}").TrimEnd('/');
}
