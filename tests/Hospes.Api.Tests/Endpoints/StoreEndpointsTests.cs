using System.Net;
using System.Net.Http.Json;
using Hospes.Contracts;

namespace Hospes.Api.Tests.Endpoints;

/// <summary>A clone run streams its progress as JSON lines, "done" last; a run that cannot start is a plain error.</summary>
public sealed class StoreEndpointsTests
{
    [Fact]
    public async Task Clone_StreamsOneLinePerClone_AndTheSummaryLast()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        string path = api.Config("base");
        await api.Client.Vms.CreateAsync(new CreateVmRequest { Source = new ConfigRequest { Config = await File.ReadAllTextAsync(path), ConfigPath = path }, Start = false }, CancellationToken.None);
        await api.Client.Store.CreateTemplateAsync(new TemplateCreateRequest { Vm = "base", Name = "tmpl" }, CancellationToken.None);

        HttpResponseMessage r = await api.Http.PostAsJsonAsync(new Uri(Routes.Path(Routes.TemplateClone, "tmpl"), UriKind.Relative), new CloneRequest { Name = "c-{i}", Count = 3 }, WireJson.Options);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/x-ndjson", r.Content.Headers.ContentType?.MediaType);
        CloneEvent[] events = [.. (await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonSerializer.Deserialize<CloneEvent>(l, WireJson.Options)!)];
        Assert.Equal(["created", "created", "created", "done"], events.Select(e => e.Event));
        Assert.Equal((3, 3, 0), (events[^1].Total, events[^1].Created, events[^1].Failed));
        Assert.Equal(["base", "c-1", "c-2", "c-3"], (await api.Client.Vms.ListAsync(CancellationToken.None)).Select(v => v.Name));
    }

    [Fact]
    public async Task Clone_OfNoTemplate_IsAPlainError_NotAStream()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage r = await api.Http.PostAsJsonAsync(new Uri(Routes.Path(Routes.TemplateClone, "none"), UriKind.Relative), new CloneRequest { Name = "c-{i}", Count = 2 }, WireJson.Options);

        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
    }
}
