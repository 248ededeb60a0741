using Hospes.Host.Access;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hospes.Api.Tests;

/// <summary>
/// Issue 14: every endpoint the app serves, with each method it maps, has its rule in the access table under the very
/// template and method ASP.NET Core reports (RoutePattern.RawText), which is what the authorization will look up.
/// </summary>
public sealed class AccessRulesTests
{
    [Fact]
    public async Task EveryServedEndpoint_HasAnAccessRule_ForEachOfItsMethods_AndEveryRuleAnEndpoint()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        (string Method, string Template)[] served = [.. api.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => (m, e.RoutePattern.RawText!)))];

        string[] missing = [.. served.Where(s => RouteRules.Find(s.Method, s.Template) is null).Select(s => $"{s.Method} {s.Template}")];
        string[] stale = [.. RouteRules.All.Where(r => r.Method != "*" && !served.Contains((r.Method, r.Template))).Select(r => $"{r.Method} {r.Template}")];

        Assert.True(served.Length > 50, $"only {served.Length} endpoints found");
        Assert.True(missing.Length == 0, $"endpoints without an access rule (add them to Hospes.Host/Access/RouteRules): {string.Join(", ", missing)}");
        Assert.True(stale.Length == 0, $"access rules without an endpoint: {string.Join(", ", stale)}");
    }
}
