using System.Net;
using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Cli.Tests.Commands;

/// <summary>`hospes project ...` and the global --project, against a stub hospesd.</summary>
public sealed class ProjectCommandsTests : IDisposable
{
    private static readonly ProjectInfo Lab1 = new()
    {
        Name = "lab1",
        Limits = new ProjectLimitsInfo { Vms = 40, MemoryMib = 65536, Vcpus = 80 },
        Usage = new ProjectUsageInfo { Vms = 2, MemoryMib = 384, Vcpus = 2 },
        Objects = ["vm a", "vm b"],
    };

    private readonly StubHandler _stub = new();

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task Project_BeforeOrAfterTheCommand_IsSentWithEveryRequest()
    {
        _stub.On("GET", "/v1/vms?project=lab1", CliRunner.Json(Array.Empty<VmInfo>()));
        _stub.On("GET", "/v1/disk?name=web%2Fxvda&project=lab1", CliRunner.Json(new VolumeInfo { Name = "web/xvda", Kind = "vm-disk", Path = "/p", Format = "qcow2" }));

        Assert.Equal(0, (await CliRunner.RunAsync(_stub, "--project", "lab1", "list")).Exit);
        Assert.Equal(0, (await CliRunner.RunAsync(_stub, "list", "--project", "lab1")).Exit);
        Assert.Equal(0, (await CliRunner.RunAsync(_stub, "disk", "info", "web/xvda", "--project", "lab1", "--format", "json")).Exit);
        Assert.Equal(["GET /v1/vms?project=lab1", "GET /v1/vms?project=lab1", "GET /v1/disk?name=web%2Fxvda&project=lab1"], _stub.Requests.Select(r => r.Request));
    }

    [Fact]
    public async Task Create_SendsItsLimits_MemoryInMib()
    {
        _stub.On("POST", "/v1/projects", HttpStatusCode.Created, CliRunner.Json(Lab1));

        CliRun r = await CliRunner.RunAsync(_stub, "project", "create", "lab1", "--limit", "vms=40", "--limit", "memory=64G", "--limit", "vcpus=80");

        Assert.Equal("project lab1 created; limits: vms=40, memory=64G, vcpus=80\n", r.Stdout);
        Assert.Equal("{\"name\":\"lab1\",\"limits\":{\"vms\":40,\"memory_mib\":65536,\"vcpus\":80}}", _stub.LastBody);
    }

    [Theory]
    [InlineData("disks=4", "hospes: --limit 'disks=4' is not a limit; write vms=N, memory=SIZE (e.g. 64G) or vcpus=N\n")]
    [InlineData("vms=many", "hospes: --limit vms=many: give a whole number of 0 or more, e.g. vms=40\n")]
    [InlineData("memory=lots", "hospes: --limit memory 'lots' is not a size; write it as bytes or with K, M, G or T (e.g. 8G, 512M)\n")]
    public async Task ABadLimit_IsRefused_BeforeHospesdIsAsked(string limit, string message)
    {
        CliRun r = await CliRunner.RunAsync(_stub, "project", "create", "lab1", "--limit", limit);

        Assert.Equal(message, r.Refused(_stub));
    }

    [Fact]
    public async Task Set_SendsTheGivenLimits_AndNoneRemovesOne()
    {
        _stub.On("PUT", "/v1/projects/lab1", CliRunner.Json(Lab1 with { Limits = new ProjectLimitsInfo { Vms = 41 } }));

        CliRun r = await CliRunner.RunAsync(_stub, "project", "set", "lab1", "--limit", "vms=41", "--limit", "memory=none");

        Assert.Equal("project lab1: limits: vms=41\n", r.Stdout);
        Assert.Equal("{\"limits\":{\"vms\":41,\"memory_mib\":null,\"vcpus\":null},\"unset\":[\"memory\"]}", _stub.LastBody);
    }

    [Fact]
    public async Task ListAndShow_PrintUsageAgainstLimits()
    {
        _stub.On("GET", "/v1/projects", CliRunner.Json(new[] { Lab1 with { Name = "default", Limits = new ProjectLimitsInfo(), Objects = [] }, Lab1 }));
        _stub.On("GET", "/v1/projects/lab1", CliRunner.Json(Lab1));

        CliRun list = await CliRunner.RunAsync(_stub, "project", "list");
        CliRun show = await CliRunner.RunAsync(_stub, "project", "show", "lab1");

        Assert.Equal(
            "Name      VMs  Memory(MiB)  VCPUs  Objects\n"
            + "default     2          384      2        0\n"
            + "lab1     2/40    384/65536   2/80        2\n",
            list.Stdout);
        Assert.Contains("vm a, vm b", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("384/65536", show.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_OfAProjectThatHoldsVms_PrintsTheRefusal()
    {
        _stub.Error("DELETE", "/v1/projects/lab1", HttpStatusCode.Conflict, "invalid_state", "cannot delete project lab1: it holds 2 object(s): vm a, vm b; delete them first (`hospes --project lab1 list` shows its VMs)");

        CliRun r = await CliRunner.RunAsync(_stub, "project", "delete", "lab1");

        Assert.Equal(1, r.Exit);
        Assert.Contains("hospes: cannot delete project lab1: it holds 2 object(s): vm a, vm b", r.Stderr, StringComparison.Ordinal);
    }
}
