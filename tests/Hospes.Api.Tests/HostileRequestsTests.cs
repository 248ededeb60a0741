using System.Collections;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Hospes.Api.Tests;

/// <summary>
/// Issue 13, "a failing request never takes the daemon down": every endpoint the app serves (from its
/// EndpointDataSource, so no route is missed), with every method it maps, gets hostile route parameters, query values
/// and bodies. None may answer 500 (or any 5xx), every 4xx carries the error body, the API still answers afterwards,
/// and no hostile request defined anything. Deterministic: the random choices come from a fixed seed, so a failure is
/// reproduced by running the test again.
/// </summary>
public sealed partial class HostileRequestsTests(ITestOutputHelper output)
{
    private const int Seed = 13;

    [Fact]
    public async Task EveryEndpoint_AnswersHostileRequests_WithoutA500_AndDefinesNothing()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        var random = new Random(Seed);
        string before = await StateAsync(api);
        List<RouteEndpoint> endpoints = [.. api.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1", StringComparison.Ordinal) == true)
            .OrderBy(e => e.RoutePattern.RawText, StringComparer.Ordinal)];
        Assert.True(endpoints.Count > 50, $"only {endpoints.Count} endpoints found");

        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        int sent = 0;
        foreach (RouteEndpoint endpoint in endpoints)
        {
            string template = endpoint.RoutePattern.RawText!;
            IReadOnlyList<string> methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            Type? bodyType = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            List<(string Label, Func<HttpContent?> Content)> bodies = Bodies(bodyType, random);
            List<string> paths = Paths(template, random);
            foreach (string method in methods)
            {
                foreach (string path in paths)
                {
                    foreach ((string label, Func<HttpContent?> content) in bodies)
                    {
                        await SendAsync(api, method, path, label, content(), failures, statuses);
                        sent++;
                    }
                }

                // The big bodies once per method, on one of its hostile paths.
                string bigPath = paths[random.Next(paths.Count)];
                foreach ((string label, Func<HttpContent?> content) in BigBodies(bodyType))
                {
                    await SendAsync(api, method, bigPath, label, content(), failures, statuses);
                    sent++;
                }
            }
        }

        output.WriteLine($"{sent} hostile requests to {endpoints.Count} endpoints, {failures.Count} failure(s); statuses {string.Join(", ", statuses.Select(kv => $"{kv.Key}: {kv.Value}"))}; QEMU launched {api.Qemu.Launched.Count} time(s)");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} hostile requests were answered badly:\n{string.Join('\n', failures.Take(300))}");

        // The API still answers a normal request, and no hostile request defined or launched anything.
        HttpResponseMessage list = await api.Http.GetAsync(new Uri(Routes.Vms, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal("[]", await list.Content.ReadAsStringAsync());
        Assert.Equal(before, await StateAsync(api));
        Assert.Empty(api.Qemu.Launched);
    }

    /// <summary>
    /// The same hostile bodies (and hostile other parameters) on the routes of a VM that is there, so they get past the
    /// name lookup: a VM named "web" is defined again (and started again, for a running one) whenever a request
    /// legitimately deleted or stopped it. What the requests may legitimately do to web (start it, snapshot it, ...) is
    /// not asserted; that no request answers a 5xx or a 4xx without the error body, and that no other VM, network or
    /// image appears, is.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheRoutesOfAVmThatIsThere_AnswerHostileRequests_WithoutA500(bool running)
    {
        await using ApiHost api = await ApiHost.StartAsync();
        var random = new Random(Seed + (running ? 2 : 1));

        // The guest obeys its power button, as a real one does: shutdown and reboot answer instead of waiting out their timeout.
        api.Qemu.OnLaunch += q => q.Monitor.Answer("system_powerdown", () =>
        {
            _ = Task.Run(() => q.Monitor.Emit("SHUTDOWN", """{"guest": true, "reason": "guest-shutdown"}"""));
            return "{}";
        });
        string configPath = api.Config("web");
        string config = await File.ReadAllTextAsync(configPath);
        async Task DefineWebAsync()
        {
            VmInfo? web = (await api.Client.Vms.ListAsync(CancellationToken.None)).FirstOrDefault(v => v.Name == "web");
            if (web is not null && running && web.State != VmState.Running)
            {
                await api.Client.Vms.DeleteAsync("web", force: true, CancellationToken.None);
                web = null;
            }

            if (web is null)
            {
                await api.Client.Vms.CreateAsync(new CreateVmRequest { Source = new ConfigRequest { Config = config, ConfigPath = configPath }, Start = running }, CancellationToken.None);
            }
        }

        await DefineWebAsync();
        string[] others = [Routes.Networks, Routes.Images];
        string before = await StateAsync(api, others);
        List<RouteEndpoint> endpoints = [.. api.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1/vms/{", StringComparison.Ordinal) == true)
            .OrderBy(e => e.RoutePattern.RawText, StringComparer.Ordinal)];
        Assert.True(endpoints.Count > 25, $"only {endpoints.Count} VM endpoints found");

        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        int sent = 0;
        foreach (RouteEndpoint endpoint in endpoints)
        {
            string template = endpoint.RoutePattern.RawText!;
            string web = VmParameter().Replace(template, "/v1/vms/web");
            IReadOnlyList<string> methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            Type? bodyType = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            List<(string Label, Func<HttpContent?> Content)> bodies = [.. Bodies(bodyType, random), .. BigBodies(bodyType)];
            List<string> paths = web.Contains('{', StringComparison.Ordinal) ? Paths(web, random) : [web];
            foreach (string method in methods)
            {
                foreach (string path in paths)
                {
                    foreach ((string label, Func<HttpContent?> content) in bodies)
                    {
                        await SendAsync(api, method, path, label, content(), failures, statuses);
                        sent++;
                        await DefineWebAsync();
                    }
                }
            }
        }

        output.WriteLine($"{sent} hostile requests to the {endpoints.Count} endpoints of a VM that is there (running: {running}), {failures.Count} failure(s); statuses {string.Join(", ", statuses.Select(kv => $"{kv.Key}: {kv.Value}"))}; QEMU launched {api.Qemu.Launched.Count} time(s)");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} hostile requests were answered badly:\n{string.Join('\n', failures.Take(300))}");
        HttpResponseMessage list = await api.Http.GetAsync(new Uri(Routes.Vms, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(["web"], (await api.Client.Vms.ListAsync(CancellationToken.None)).Select(v => v.Name));
        Assert.Equal(before, await StateAsync(api, others));
    }

    [Fact]
    public async Task AVmWithANullSource_IsABadRequest_ThatSaysSo()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage r = await api.Http.PostAsync(new Uri(Routes.Vms, UriKind.Relative), Json("{\"source\": null}"));

        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        ErrorBody? body = JsonSerializer.Deserialize<ErrorBody>(await r.Content.ReadAsStringAsync(), WireJson.Options);
        Assert.Equal("invalid_argument", body!.Error.Code);
        Assert.StartsWith("cannot create a VM: the request's source is null", body.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APortForwardWithANullProtocol_IsABadRequest_ThatSaysSo()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        string path = api.Config("web");
        await api.Client.Vms.CreateAsync(new CreateVmRequest { Source = new ConfigRequest { Config = await File.ReadAllTextAsync(path), ConfigPath = path }, Start = false }, CancellationToken.None);

        HttpResponseMessage r = await api.Http.PostAsync(new Uri(Routes.Path(Routes.VmPortForwards, "web"), UriKind.Relative), Json("{\"host_port\": 2222, \"guest_port\": 22, \"protocol\": null}"));

        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        ErrorBody? body = JsonSerializer.Deserialize<ErrorBody>(await r.Content.ReadAsStringAsync(), WireJson.Options);
        Assert.Equal("cannot forward a port to web: the protocol is null; give \"tcp\" or \"udp\", or leave it out for tcp", body!.Error.Message);
    }

    [Theory]
    [InlineData("/v1/nothing.cfg")]
    [InlineData("/v1/vms/..%2F..%2Fetc/tcp/..%2F..%2Fetc")]
    public async Task AnUnknownPathThatLooksLikeAFile_IsNotFound_WithTheErrorBody(string path)
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage r = await api.Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.True(IsErrorBody(await r.Content.ReadAsStringAsync()));
    }

    private static async Task SendAsync(ApiHost api, string method, string path, string label, HttpContent? content, List<string> failures, SortedDictionary<int, int> statuses)
    {
        string what = $"{method} {path.Substring(0, Math.Min(path.Length, 120))} body={label}";
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = content };
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        HttpResponseMessage response;
        try
        {
            response = await api.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
        }
        catch (OperationCanceledException)
        {
            failures.Add($"{what}: no answer in 30 s");
            return;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException)
        {
            failures.Add($"{what}: the request failed: {e.GetType().Name}: {e.Message}");
            return;
        }

        using (response)
        {
            int status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status < 300 && path.StartsWith(Routes.Events, StringComparison.Ordinal))
            {
                return; // the event stream never ends by itself: its answer is the status
            }

            string text = await response.Content.ReadAsStringAsync(limit.Token);
            if (status >= 500)
            {
                failures.Add($"{what}: {status} {Shorten(text)}");
            }
            else if (status >= 400 && !IsErrorBody(text))
            {
                failures.Add($"{what}: {status} without the error body: {Shorten(text)}");
            }
        }
    }

    private static bool IsErrorBody(string text)
    {
        try
        {
            ErrorBody? body = JsonSerializer.Deserialize<ErrorBody>(text, WireJson.Options);
            return body?.Error is { } e && !string.IsNullOrWhiteSpace(e.Code) && !string.IsNullOrWhiteSpace(e.Message) && e.Details is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;

    /// <summary>Everything a hostile request could have defined, as the API lists it.</summary>
    private static Task<string> StateAsync(ApiHost api) =>
        StateAsync(api, [Routes.Vms, Routes.Networks, Routes.Images, Routes.Templates, Routes.Disks, Routes.PortForwards, Routes.HostPeers]);

    private static async Task<string> StateAsync(ApiHost api, string[] routes)
    {
        var state = new StringBuilder();
        foreach (string route in routes)
        {
            HttpResponseMessage r = await api.Http.GetAsync(new Uri(route, UriKind.Relative));
            state.Append(route).Append(' ').Append((int)r.StatusCode).Append(' ').AppendLine(await r.Content.ReadAsStringAsync());
        }

        return state.ToString();
    }
}
