using System.Text.Json;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Remote;

/// <summary>The real hospesd serves its OpenAPI description on the unix socket, read as the README says (curl).</summary>
public sealed class OpenApiDescriptionTests : IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(null, null);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task Curl_ThroughTheUnixSocket_GetsOpenApi31_WithEveryFeature()
    {
        CliResult curl = (await Run.ProcessAsync("curl", ["-sS", "--fail", "--unix-socket", _d.Socket, "http://hospesd/v1/openapi.json"])).Ok();

        using JsonDocument doc = JsonDocument.Parse(curl.Stdout);
        Assert.StartsWith("3.1.", doc.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        JsonElement paths = doc.RootElement.GetProperty("paths");
        foreach (string path in new[] { "/v1/vms", "/v1/vms/{name}/console", "/v1/templates/{name}/clone", "/v1/networks", "/v1/top", "/v1/host/peers", "/v1/peer/join" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not described");
        }

        Assert.Equal(
            "#/components/schemas/VmInfo",
            paths.GetProperty("/v1/vms/{name}").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content")
                .GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
    }
}
