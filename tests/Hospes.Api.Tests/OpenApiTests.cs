using System.Net;
using System.Reflection;
using System.Text.Json;
using Hospes.Api.OpenApi;
using Hospes.Contracts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hospes.Api.Tests;

/// <summary>GET /v1/openapi.json: OpenAPI 3.1, generated from the endpoints, every route with its request, answer and error shapes.</summary>
public sealed class OpenApiTests
{
    private static readonly string[] Methods = ["get", "post", "put", "delete"];

    [Fact]
    public async Task TheDescription_IsOpenApi31_Json()
    {
        using JsonDocument doc = await DescriptionAsync();

        Assert.StartsWith("3.1.", doc.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("Hospes API", doc.RootElement.GetProperty("info").GetProperty("title").GetString());
        JsonElement bearer = doc.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal(("http", "bearer"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()));
        Assert.True(doc.RootElement.GetProperty("security")[0].TryGetProperty("bearer", out _));
    }

    [Fact]
    public async Task EveryRouteOfTheApi_IsDescribed_WithItsMethods_ItsAnswer_AndTheErrorBodyForItsErrors()
    {
        using JsonDocument doc = await DescriptionAsync();
        JsonElement paths = doc.RootElement.GetProperty("paths");
        var problems = new List<string>();
        foreach (ApiShape shape in ApiShapes.All)
        {
            string path = "/" + ApiShapes.Key(shape.Template);
            if (!paths.TryGetProperty(path, out JsonElement item) || !item.TryGetProperty(shape.Method.ToLowerInvariant(), out JsonElement operation))
            {
                problems.Add($"{shape.Method} {path}: not described");
                continue;
            }

            JsonElement responses = operation.GetProperty("responses");
            if (!responses.TryGetProperty(shape.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out JsonElement success))
            {
                problems.Add($"{shape.Method} {path}: no {shape.Status} answer");
            }
            else if (shape.Kind != ShapeKind.WebSocket && !success.GetProperty("content").EnumerateObject().Single().Value.TryGetProperty("schema", out _))
            {
                problems.Add($"{shape.Method} {path}: {shape.Status} without a schema");
            }

            foreach (int status in ApiShapes.Errors(shape))
            {
                if (!responses.TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out JsonElement error)
                    || error.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString() != "#/components/schemas/ErrorBody")
                {
                    problems.Add($"{shape.Method} {path}: no error body for {status}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(ApiShapes.All.Count > 60);
    }

    [Fact]
    public async Task EveryRouteOfContractsRoutes_IsInTheDescription()
    {
        using JsonDocument doc = await DescriptionAsync();
        JsonElement paths = doc.RootElement.GetProperty("paths");
        string[] missing = [.. typeof(Routes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(r => r is not Routes.Peer and not Routes.OpenApi) // the peer group's prefix; the description itself
            .Where(r => !paths.TryGetProperty("/" + ApiShapes.Key(r), out JsonElement item) || !item.EnumerateObject().Any(o => Methods.Contains(o.Name)))];

        Assert.Empty(missing);
    }

    [Fact]
    public async Task RequestBodies_AreDescribed_WithTheirType()
    {
        using JsonDocument doc = await DescriptionAsync();
        JsonElement paths = doc.RootElement.GetProperty("paths");

        Assert.Equal("#/components/schemas/CreateVmRequest", BodySchema(paths, Routes.Vms, "post"));
        Assert.Equal("#/components/schemas/MemorySizeRequest", BodySchema(paths, Routes.VmMemoryTarget, "put"));
        Assert.Equal("#/components/schemas/PortForwardRequest", BodySchema(paths, Routes.VmPortForwards, "post"));
        JsonElement create = doc.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("CreateVmRequest").GetProperty("properties");
        Assert.True(create.EnumerateObject().All(p => !p.Name.Any(char.IsAsciiLetterUpper)), "the wire is snake_case");
    }

    [Fact]
    public async Task EveryServedEndpoint_HasAShape_AndEveryShapeAnEndpoint()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        (string Method, string Template)[] served = [.. api.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } t && t.StartsWith("/v1", StringComparison.Ordinal) && t != Routes.OpenApi && t != Routes.Peer)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => (m, e.RoutePattern.RawText!)))];

        string[] missing = [.. served.Where(s => ApiShapes.Find(s.Method, s.Template) is null).Select(s => $"{s.Method} {s.Template}")];
        string[] stale = [.. ApiShapes.All.Where(a => !served.Contains((a.Method, a.Template))).Select(a => $"{a.Method} {a.Template}")];

        Assert.True(missing.Length == 0, $"endpoints without a shape (add them to Hospes.Api/OpenApi/ApiShapes): {string.Join(", ", missing)}");
        Assert.True(stale.Length == 0, $"shapes without an endpoint: {string.Join(", ", stale)}");
    }

    private static string? BodySchema(JsonElement paths, string route, string method) =>
        paths.GetProperty(route).GetProperty(method).GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();

    private static async Task<JsonDocument> DescriptionAsync()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        using HttpResponseMessage response = await api.Http.GetAsync(new Uri(Routes.OpenApi, UriKind.Relative));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text);
    }
}
