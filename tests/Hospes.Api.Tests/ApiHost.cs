using Hospes.Client;
using Hospes.Core.Vms;
using Hospes.Host;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Hospes.Qemu.Host;
using Hospes.Testing.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
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
        builder.WebHost.UseTestServer();
        builder.Services.AddHospes(host);
        WebApplication app = builder.Build();
        app.MapHospes();
        await app.StartAsync();
        return new ApiHost(dir, host, app) { Qemu = qemu };
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
