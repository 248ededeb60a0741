using System.Net;
using System.Net.Http.Json;
using System.Text;
using Hospes.Contracts;

namespace Hospes.Api.Tests;

/// <summary>Request bodies are bounded (4 MiB, a peer's migration offer 256 MiB): a larger one is refused, never buffered.</summary>
public sealed class BodyLimitTests
{
    [Fact]
    public async Task ABodyOverTheLimit_IsRefusedByItsLength_WithTheLimitNamed()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        using var content = new ByteArrayContent(new byte[(int)BodyLimit.MaxBodyBytes + 1]);
        content.Headers.ContentType = new("application/json");

        HttpResponseMessage r = await api.Http.PostAsync(new Uri(Routes.Vms, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        ErrorBody? body = await r.Content.ReadFromJsonAsync<ErrorBody>(WireJson.Options);
        Assert.Contains("the request body is too large: /v1/vms takes at most 4 MiB", body!.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChunkedBodyOverTheLimit_IsRefused_WhenItReadsPastIt()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        string json = "{\"config\": \"" + new string('x', (int)BodyLimit.MaxBodyBytes) + "\"}";
        using var content = new StreamContent(new UnknownLength(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new("application/json");

        HttpResponseMessage r = await api.Http.PostAsync(new Uri(Routes.Vms, UriKind.Relative), content);

        // Minimal APIs answer a body that fails to read with the exception's status: 413 Payload Too Large.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
    }

    [Fact]
    public void APeersOffer_MayCarryItsInlineDisks()
    {
        Assert.Equal(BodyLimit.MaxOfferBytes, BodyLimit.For(Routes.PeerMigrations));
        Assert.Equal(BodyLimit.MaxBodyBytes, BodyLimit.For(Routes.Vms));
    }

    /// <summary>A body whose length the client cannot tell (sent chunked).</summary>
    private sealed class UnknownLength(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
