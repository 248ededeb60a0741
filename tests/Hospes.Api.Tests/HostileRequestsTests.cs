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

    /// <summary>Route parameter values, already escaped as they go on the wire (some are escapes on purpose).</summary>
    private static readonly string[] HostileSegments =
    [
        "",
        "%20",
        "%20%20%09",
        new string('a', 300),
        "..%2F..%2Fetc",
        "..",
        "a%00b",
        "%00",
        "%E2%98%83%F0%9F%98%80%E2%80%AE",
        "%FF%FE",
        "-1",
        "0",
        "2147483648",
        "99999999999999999999999999999999",
        "web%2Fxvda",
    ];

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
            response = await api.Http.SendAsync(request, limit.Token);
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

    /// <summary>
    /// The template with every parameter filled by each hostile segment in turn, and a hostile ?name= (the store's
    /// volume routes take their name there; other routes ignore it), now and then a hostile ?force= too.
    /// </summary>
    private static List<string> Paths(string template, Random random)
    {
        bool hasParameters = template.Contains('{', StringComparison.Ordinal);
        var paths = new List<string>();
        foreach (string segment in hasParameters ? HostileSegments : HostileSegments.Take(4).Concat(HostileSegments.Skip(4).Where(_ => random.Next(2) == 0)))
        {
            // A NUL in the path never reaches the app: Kestrel refuses it with a 400 (the test server throws instead).
            // It goes into ?name= only, the path taking a plain value.
            bool nul = segment.Contains("%00", StringComparison.Ordinal);
            string path = Parameter().Replace(template, nul ? "x" : segment);
            string query = $"?name={segment}";
            if (random.Next(4) == 0)
            {
                query += $"&force={HostileSegments[random.Next(HostileSegments.Length)]}";
            }

            paths.Add(path + query);
        }

        return paths;
    }

    private static List<(string Label, Func<HttpContent?> Content)> Bodies(Type? bodyType, Random random)
    {
        var bodies = new List<(string, Func<HttpContent?>)>
        {
            ("none", () => null),
            ("null", () => Json("null")),
            ("[]", () => Json("[]")),
            ("\"x\"", () => Json("\"x\"")),
            ("5", () => Json("5")),
            ("{}", () => Json("{}")),
            ("{ not json", () => Json("{ not json")),
            ("nested objects, depth 100", () => Json(string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100))),
            ("nested arrays, depth 100", () => Json(new string('[', 100) + new string(']', 100))),
            ("invalid UTF-8", () => Bytes([.. "{\"name\":\""u8, 0xFF, 0xFE, 0xC3, .. "\"}"u8], "application/json")),
            ("text/plain", () => Bytes("{}"u8.ToArray(), "text/plain")),
            ("application/xml", () => Bytes("<vm name=\"x\"/>"u8.ToArray(), "application/xml")),
            ("json without a content type", () => Bytes("{}"u8.ToArray(), null)),
        };

        if (bodyType is null)
        {
            return bodies;
        }

        // Each property (and its properties, one level down) with a value of the wrong type, with null, and with a
        // hostile value of its own type; then all of them at once.
        List<(string Path, Type Type)> properties = [.. Properties(bodyType, depth: 0)];
        foreach ((string path, Type type) in properties)
        {
            bodies.Add(($"{path} of the wrong type", () => Json(Nest(path, WrongValue(type)))));
            bodies.Add(($"{path} null", () => Json(Nest(path, "null"))));
            string hostile = HostileValue(type, random);
            bodies.Add(($"{path} = {Shorten(hostile)}", () => Json(Nest(path, hostile))));
        }

        string allWrong = "{" + string.Join(',', properties.Where(p => !p.Path.Contains('.', StringComparison.Ordinal)).Select(p => $"\"{p.Path}\":{WrongValue(p.Type)}")) + "}";
        bodies.Add(("every property of the wrong type", () => Json(allWrong)));
        string allHostile = "{" + string.Join(',', properties.Where(p => !p.Path.Contains('.', StringComparison.Ordinal)).Select(p => $"\"{p.Path}\":{HostileValue(p.Type, random)}")) + "}";
        bodies.Add(("every property hostile", () => Json(allHostile)));
        return bodies;
    }

    /// <summary>1 MiB: as a JSON string, and in each string property of the body's type.</summary>
    private static List<(string Label, Func<HttpContent?> Content)> BigBodies(Type? bodyType)
    {
        string mib = new('x', 1 << 20);
        var bodies = new List<(string, Func<HttpContent?>)> { ("a 1 MiB string", () => Json($"\"{mib}\"")) };
        if (bodyType is not null)
        {
            foreach ((string path, Type type) in Properties(bodyType, depth: 0).Where(p => p.Type == typeof(string)))
            {
                bodies.Add(($"{path} of 1 MiB", () => Json(Nest(path, $"\"{mib}\""))));
            }
        }

        return bodies;
    }

    private static IEnumerable<(string Path, Type Type)> Properties(Type type, int depth)
    {
        foreach (PropertyInfo p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || p.SetMethod is not null))
        {
            string name = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);
            yield return (name, p.PropertyType);
            if (depth == 0 && IsObject(p.PropertyType))
            {
                foreach ((string inner, Type innerType) in Properties(p.PropertyType, depth + 1))
                {
                    yield return ($"{name}.{inner}", innerType);
                }
            }
        }
    }

    private static bool IsObject(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>{"a":{"b":value}} for "a.b".</summary>
    private static string Nest(string path, string value)
    {
        string[] parts = path.Split('.');
        return string.Concat(parts.Select(p => $"{{\"{p}\":")) + value + new string('}', parts.Length);
    }

    private static string WrongValue(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) ? "5"
            : type == typeof(bool) ? "\"x\""
            : type.IsEnum ? "{}"
            : type.IsPrimitive || type == typeof(decimal) ? "\"x\""
            : typeof(IEnumerable).IsAssignableFrom(type) ? "{}"
            : "5";
    }

    private static string HostileValue(Type type, Random random)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        string[] strings =
        [
            "\"\"", "\" \"", "\"../../etc/passwd\"", "\"a\\u0000b\"", $"\"{new string('n', 300)}\"", "\"\\u2603\\ud83d\\ude00\\u202e\"", "\"-1\"",
            "\"/\"", "\"name = \\\"x\\\"\\nmemory = -1\\n\"",
        ];
        string[] numbers = ["-1", "0", "2147483648", "9223372036854775808", "1e400", "-9223372036854775808", "1.5"];
        return type == typeof(string) ? strings[random.Next(strings.Length)]
            : type == typeof(bool) ? "0"
            : type.IsEnum ? "\"no_such_value\""
            : type.IsPrimitive || type == typeof(decimal) ? numbers[random.Next(numbers.Length)]
            : typeof(IEnumerable).IsAssignableFrom(type) ? "[null, 5, \"\"]"
            : "{\"\":null}";
    }

    private static ByteArrayContent Json(string json) => Bytes(Encoding.UTF8.GetBytes(json), "application/json");

    private static ByteArrayContent Bytes(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            content.Headers.ContentType = new(contentType);
        }

        return content;
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();

    /// <summary>The VM's parameter of a /v1/vms/... route ({name} or {vm}).</summary>
    [GeneratedRegex(@"^/v1/vms/\{(name|vm)\}")]
    private static partial Regex VmParameter();
}
