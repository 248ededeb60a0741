using System.Net;
using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Cli.Tests.Commands;

public sealed class HostAndPeerCommandsTests : IDisposable
{
    private static readonly HostPeerInfo B = new() { Name = "b", Address = "10.0.0.2:8443", Fingerprint = new string('a', 64) };

    private readonly StubHandler _stub = new();

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task HostInfo_ShowsQemuAndTheAccelerator()
    {
        _stub.On("GET", "/v1/host", CliRunner.Json(new HostInfo
        {
            Hostname = "a",
            HospesVersion = "1.0",
            Kernel = "6.1",
            QemuPath = "/usr/bin/qemu-system-x86_64",
            QemuVersion = "10.0.2",
            Accelerator = "tcg",
            AcceleratorReason = "no /dev/kvm",
            Cpus = 2,
            CpuModel = "x",
            MemoryTotalMib = 4096,
            MemoryAvailableMib = 3000,
            VmsDefined = 2,
            VmsRunning = 1,
            StateDir = "/var/lib/hospes",
        }));

        CliRun r = await CliRunner.RunAsync(_stub, "host", "info");

        Assert.Equal(
            "Host:         a\nKernel:       6.1\nHospes:       1.0\nQEMU:         10.0.2 (/usr/bin/qemu-system-x86_64)\nAccelerator:  tcg\nWhy:          no /dev/kvm\n"
            + "CPUs:         2 (x)\nMemory (MiB): 4096 total, 3000 available\nVMs:          2 defined, 1 running\nState dir:    /var/lib/hospes\n",
            r.Stdout);
    }

    [Fact]
    public async Task HostToken_PrintsTheTokenAlone_OnStdout()
    {
        _stub.On("POST", "/v1/host/tokens", HttpStatusCode.Created, CliRunner.Json(new HostTokenInfo { Token = "hospes1.xyz", ExpiresAt = DateTimeOffset.UnixEpoch }));

        CliRun r = await CliRunner.RunAsync(_stub, "host", "token");

        Assert.Equal("hospes1.xyz\n", r.Stdout);
        Assert.Contains("on the other host: hospes host add NAME THIS-HOST:PORT --token TOKEN", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostAdd_SendsNameAddressAndToken_AndShowsAShortFingerprint()
    {
        _stub.On("POST", "/v1/host/peers", HttpStatusCode.Created, CliRunner.Json(B));

        CliRun r = await CliRunner.RunAsync(_stub, "host", "add", "b", "10.0.0.2:8443", "--token", "hospes1.xyz");

        Assert.Equal("host b at 10.0.0.2:8443 added (fingerprint aaaaaaaaaaaaaaaa); it trusts this host too\n", r.Stdout);
        Assert.Equal(CliRunner.Json(new HostAddRequest { Name = "b", Address = "10.0.0.2:8443", Token = "hospes1.xyz" }), _stub.LastBody);
    }

    [Fact]
    public async Task HostAdd_WithoutAToken_IsRefused()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "host", "add", "b", "10.0.0.2:8443");

        Assert.Contains("Option '--token' is required.", r.Refused(_stub), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostRemove_AsJson_PrintsTheHost()
    {
        _stub.On("DELETE", "/v1/host/peers/b", CliRunner.Json(B));

        CliRun r = await CliRunner.RunAsync(_stub, "host", "remove", "b", "--format", "json");

        Assert.Equal(CliRunner.Printed(B), r.Stdout);
    }

    [Fact]
    public async Task MemSet_SendsTheMib()
    {
        _stub.On("PUT", "/v1/vms/web/memory/target", CliRunner.Json(new VmMemoryInfo { Name = "web", State = "running", MemoryMib = 256, ActualMib = 300, Balloon = "active" }));

        CliRun r = await CliRunner.RunAsync(_stub, "mem-set", "web", "256");

        Assert.Equal("web: memory 256 MiB (the guest has 300 MiB now; the balloon takes a moment)\n", r.Stdout);
        Assert.Equal("{\"mib\":256}", _stub.LastBody);
    }

    [Fact]
    public async Task ImageBuild_WithABadSize_IsRefused()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "image", "build", "debian", "--size", "big", "--format", "json");

        Assert.Equal("hospes: --size 'big' is not a size; write it as bytes or with K, M, G or T (e.g. 8G, 512M)\n", r.Refused(_stub));
    }

    [Fact]
    public async Task ImageBuild_SendsKindAndSize()
    {
        var image = new ImageInfo { Name = "debian", Kind = "debian", Disk = "/s/images/debian.qcow2" };
        _stub.On("POST", "/v1/images/debian/build", CliRunner.Json(new ImageBuildResponse(image, Rebuilt: true, Log: ["debootstrap"])));

        CliRun r = await CliRunner.RunAsync(_stub, "image", "build", "debian", "--size", "4G");

        Assert.Equal("image 'debian' built: /s/images/debian.qcow2\n", r.Stdout);
        Assert.EndsWith("  debootstrap\n", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("\"size_bytes\":4294967296", _stub.LastBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_PrintsTheNormalizedFile_AndCountsErrors()
    {
        using var dir = new TempDir();
        string file = dir.File("web.cfg");
        await File.WriteAllTextAsync(file, "memory = x\n");
        var error = new Diagnostic { Severity = "error", File = file, Line = 1, Message = "m", Rendered = "web.cfg:1:10: error: m" };
        _stub.On("POST", "/v1/config/check", CliRunner.Json(new ConfigCheckResponse { Ok = false, Diagnostics = [error] }));

        CliRun r = await CliRunner.RunAsync(_stub, "config", "check", file);

        Assert.Equal((1, "", $"web.cfg:1:10: error: m\nhospes: {file}: 1 error(s)\n"), (r.Exit, r.Stdout, r.Stderr));
    }
}
