using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.Extensions.DependencyInjection;

namespace Hospes.Api.Tests.Endpoints;

/// <summary>`GET /v1/events` on the wire: JSON lines by default, server-sent events for EventSource, refusals, unsubscribe.</summary>
public sealed class EventEndpointsTests
{
    [Fact]
    public async Task ByDefault_EachEventIsOneJsonLine_AsItHappens()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        using HttpResponseMessage response = await OpenAsync(api, Routes.Events, accept: null);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        await DefineAsync(api, "web");

        string line = await NextLineAsync(reader);
        using JsonDocument doc = JsonDocument.Parse(line);
        Assert.Equal("vm.defined", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal("web", doc.RootElement.GetProperty("vm").GetString());
        Assert.Equal("shutoff", doc.RootElement.GetProperty("state").GetString());
        Assert.Equal("default", doc.RootElement.GetProperty("project").GetString());
        Assert.True(doc.RootElement.GetProperty("id").GetInt64() > 0);
        Assert.False(doc.RootElement.TryGetProperty("dropped", out _), line);
    }

    [Fact]
    public async Task WithAcceptEventStream_EachEventIsAServerSentEvent_WithIdTypeAndData()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        using HttpResponseMessage response = await OpenAsync(api, Routes.Events + "?vm=web&type=vm.state", accept: "text/event-stream");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        await DefineAsync(api, "other");
        await api.Client.Vms.StartAsync("other", CancellationToken.None);
        await DefineAsync(api, "web");
        await api.Client.Vms.StartAsync("web", CancellationToken.None);

        string[] frame = [await NextLineAsync(reader), await NextLineAsync(reader), await NextLineAsync(reader), await NextLineAsync(reader)];
        Assert.Matches("^id: [0-9]+$", frame[0]);
        Assert.Equal("event: vm.state", frame[1]);
        Assert.StartsWith("data: {", frame[2], StringComparison.Ordinal);
        Assert.Equal("", frame[3]);
        HostEvent e = JsonSerializer.Deserialize<HostEvent>(frame[2]["data: ".Length..], WireJson.Options)!;
        Assert.Equal(("web", Hospes.Contracts.Vms.VmState.Shutoff, Hospes.Contracts.Vms.VmState.Running, "command", "start"), (e.Vm, e.OldState, e.State, e.Why, e.Message));
        Assert.Equal($"id: {e.Id}", frame[0]);
    }

    [Fact]
    public async Task ClusterTrue_OnAHostInNoCluster_IsThisHostsStream_WithNoHostNamed()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        using HttpResponseMessage response = await OpenAsync(api, Routes.Events + "?cluster=true&type=vm.defined", accept: null);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        await DefineAsync(api, "web");

        HostEvent e = JsonSerializer.Deserialize<HostEvent>(await NextLineAsync(reader), WireJson.Options)!;
        Assert.Equal(("vm.defined", "web", null), (e.Type, e.Vm, e.Host));
    }

    [Fact]
    public async Task AnUnknownType_IsABadRequest_NamingTheTypes()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        int before = api.App.Services.GetRequiredService<EventsApi>().Subscribers; // hospesd's own (the guest agents' keeper)

        using HttpResponseMessage response = await api.Http.GetAsync(Routes.Events + "?type=vm.bogus");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unknown event type 'vm.bogus'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, api.App.Services.GetRequiredService<EventsApi>().Subscribers);
    }

    [Fact]
    public async Task AClientThatGoes_IsUnsubscribed()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        EventsApi events = api.App.Services.GetRequiredService<EventsApi>();
        int before = events.Subscribers; // hospesd's own (the guest agents' keeper)
        using var cancel = new CancellationTokenSource();
        IAsyncEnumerator<HostEvent> watching = api.Client.Events.WatchAsync(null, ["vm"], cancel.Token).GetAsyncEnumerator(cancel.Token);
        ValueTask<bool> first = watching.MoveNextAsync();

        // The stream is subscribed once its request has reached hospesd: an event before that is not in it, and a
        // define made too early would leave the first read waiting for ever (this hung a loaded CI run).
        DateTime subscribed = DateTime.UtcNow.AddSeconds(30);
        while (events.Subscribers == before && DateTime.UtcNow < subscribed)
        {
            await Task.Delay(20);
        }

        Assert.Equal(before + 1, events.Subscribers);
        await DefineAsync(api, "web");
        Assert.True(await first.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(("vm.defined", "web"), (watching.Current.Type, watching.Current.Vm));

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await watching.MoveNextAsync());
        await watching.DisposeAsync();

        DateTime until = DateTime.UtcNow.AddSeconds(10);
        while (events.Subscribers > before && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }

        Assert.Equal(before, events.Subscribers);
    }

    private static async Task<HttpResponseMessage> OpenAsync(ApiHost api, string path, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        HttpResponseMessage response = await api.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static async Task DefineAsync(ApiHost api, string name)
    {
        string path = api.Config(name);
        await api.Client.Vms.CreateAsync(new CreateVmRequest { Source = new ConfigRequest { Config = await File.ReadAllTextAsync(path), ConfigPath = path }, Start = false }, CancellationToken.None);
    }

    private static async Task<string> NextLineAsync(StreamReader reader)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadLineAsync(limit.Token) ?? throw new InvalidOperationException("the event stream ended");
    }
}
