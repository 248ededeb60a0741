using System.Net;
using System.Security.Cryptography.X509Certificates;
using Hospes.Api.Access;
using Hospes.Client;
using Hospes.Core.Vms;
using Hospes.Host;
using Hospes.Host.Edge;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Qemu.Host;
using Hospes.Testing.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Api.Tests;

/// <summary>
/// hospesd's API as hospesd builds it (the same services and pipeline), on ASP.NET's test server, over a real host in a
/// temp state dir whose machine is faked (QEMU, the network host, qemu-img): every route answers in milliseconds.
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly TempDir _dir;
    private readonly HospesHost _host;
    private readonly WebApplication _app;

    private ApiHost(TempDir dir, HospesHost host, WebApplication app)
    {
        _dir = dir;
        _host = host;
        _app = app;
        Http = app.GetTestClient();
        Client = new HospesClient(HospesConnection.Over(app.GetTestServer().CreateHandler()));
    }

    /// <summary>Raw HTTP, for status codes and bodies as they are on the wire.</summary>
    public HttpClient Http { get; }

    /// <summary>The typed client the CLI uses.</summary>
    public HospesClient Client { get; }

    public required FakeQemuLauncher Qemu { get; init; }

    public WebApplication App => _app;

    /// <summary>Who a plain-HTTP request is on the (faked) unix socket: root unless a test says otherwise.</summary>
    public required FakeUnixPeers Unix { get; init; }

    /// <summary>The host's state DB, to make users, tokens and ACL entries as their endpoints would.</summary>
    internal required StateDb Db { get; init; }

    internal AccessGate Access => _host.Access;

    /// <summary>Raw HTTP as over the TCP listener: https, no credentials unless the request carries them.</summary>
    public HttpClient Https()
    {
        HttpClient client = _app.GetTestServer().CreateClient();
        client.BaseAddress = new Uri("https://localhost/");
        return client;
    }

    /// <summary>One HTTPS request with what a TLS connection would carry: the remote address and a client certificate.</summary>
    public Task<HttpContext> SendAsync(string method, string path, IPAddress remote, X509Certificate2? certificate = null, string? authorization = null) =>
        _app.GetTestServer().SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Scheme = "https";
            c.Request.Path = path;
            c.Connection.RemoteIpAddress = remote;
            c.Connection.ClientCertificate = certificate;
            if (authorization is not null)
            {
                c.Request.Headers.Authorization = authorization;
            }
        });

    private static string Write(TempDir dir, string name, string text)
    {
        File.WriteAllText(dir.File(name), text);
        return dir.File(name);
    }

    private const string Passwd = "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/sh\ncarol:x:1002:990::/home/carol:/bin/sh\n";

    private const string Group = "root:x:0:\nalice:x:1000:\nhospes-admin:x:990:bob\n";

    public static async Task<ApiHost> StartAsync()
    {
        var dir = new TempDir();
        var options = new HostOptions
        {
            StateDir = dir.File("state"),
            SocketPath = dir.File("hospes.sock"),
            AccelCachePath = dir.File("accel.json"),
        };
        var qemu = new FakeQemuLauncher();
        var parts = new MachineParts
        {
            Launcher = qemu,
            Network = new FakeNetworkHost(),
            QemuImg = new FakeQemuImg(),
            Runtime = new HostRuntime(new QemuBinary("/usr/bin/true", new Version(10, 0, 2), "QEMU emulator version 10.0.2"), new AccelDecision { Chosen = Accelerator.Tcg, Reason = "test" }),
        };
        HospesHost host = await HospesHost.StartAsync(options, TimeProvider.System, NullLoggerFactory.Instance, parts, CancellationToken.None);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders(); // every request's lines would flood the test run's output
        builder.WebHost.UseTestServer();
        // The test server has no unix socket: a plain-HTTP request stands for one from root on it (what every endpoint
        // test means), an "https://" one for a request over the TCP listener.
        var unix = new FakeUnixPeers();
        builder.Services.AddSingleton<IUnixPeers>(unix);
        builder.Services.AddSingleton(new UnixAccounts(Write(dir, "passwd", Passwd), Write(dir, "group", Group)));
        builder.Services.AddHospes(host);
        WebApplication app = builder.Build();
        app.MapHospes();
        await app.StartAsync();
        return new ApiHost(dir, host, app) { Qemu = qemu, Unix = unix, Db = new StateDb(options.DatabasePath) };
    }

    /// <summary>A config file of a direct-boot VM (its kernel is a file here; QEMU is faked) and its path.</summary>
    public string Config(string name)
    {
        string kernel = _dir.File("vmlinuz");
        File.WriteAllText(kernel, "a kernel for a faked QEMU");
        string path = _dir.File($"{name}.cfg");
        File.WriteAllText(path, $"name = \"{name}\"\nkernel = \"{kernel}\"\nmemory = 128\n");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await _app.DisposeAsync();
        await _host.DisposeAsync();
        _dir.Dispose();
    }
}
