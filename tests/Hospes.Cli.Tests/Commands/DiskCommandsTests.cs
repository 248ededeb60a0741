using System.Net;
using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Cli.Tests.Commands;

public sealed class DiskCommandsTests : IDisposable
{
    private static readonly VolumeInfo Data = new() { Name = "data", Kind = "disk", Path = "/s/disks/data.qcow2", Format = "qcow2", VirtualSizeBytes = 8L << 30, ActualSizeBytes = 196_608 };

    private readonly StubHandler _stub = new();

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task Create_SendsTheSizeInBytes_AndPrintsItForPeople()
    {
        _stub.On("POST", "/v1/disks", HttpStatusCode.Created, CliRunner.Json(Data));

        CliRun r = await CliRunner.RunAsync(_stub, "disk", "create", "data", "--size", "8G");

        Assert.Equal("disk data created: /s/disks/data.qcow2 (8 GiB)\n", r.Stdout);
        Assert.Equal("{\"name\":\"data\",\"size_bytes\":8589934592,\"format\":\"qcow2\"}", _stub.LastBody);
    }

    [Theory]
    [InlineData("12Q", "hospes: --size '12Q' is not a size; write it as bytes or with K, M, G or T (e.g. 8G, 512M)\n")]
    [InlineData("0", "hospes: --size '0' is out of range; give a size above zero, e.g. 8G\n")]
    public async Task Create_WithABadSize_IsRefused_BeforeHospesdIsAsked(string size, string message)
    {
        CliRun r = await CliRunner.RunAsync(_stub, "disk", "create", "data", "--size", size);

        Assert.Equal(message, r.Refused(_stub));
    }

    [Fact]
    public async Task Create_WithoutASize_IsRefused()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "disk", "create", "data");

        Assert.Contains("Option '--size' is required.", r.Refused(_stub), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsSizesForPeople()
    {
        _stub.On("GET", "/v1/disks", CliRunner.Json(new[] { Data, Data with { Name = "web/xvda", Kind = "vm-disk", ActualSizeBytes = null, Backing = "image:tiny", Vm = "web" } }));

        CliRun r = await CliRunner.RunAsync(_stub, "disk", "list");

        Assert.Equal(
            "Name      Kind     Format   Size     File  Backing     VM   Project\n"
            + "data      disk     qcow2   8 GiB  192 KiB\n"
            + "web/xvda  vm-disk  qcow2   8 GiB  missing  image:tiny  web\n",
            r.Stdout);
    }

    [Fact]
    public async Task Info_NamesTheVolumeInTheQuery()
    {
        _stub.On("GET", "/v1/disk?name=web%2Fxvda", CliRunner.Json(Data with { Name = "web/xvda" }));

        CliRun r = await CliRunner.RunAsync(_stub, "disk", "info", "web/xvda");

        Assert.StartsWith("Name:      web/xvda\nKind:      disk\n", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithProblems_ListsThem_AndExits1()
    {
        var report = new StoreCheckReport
        {
            Volumes = [new VolumeCheck { Name = "data", Kind = "disk", Path = "/s/d", Ok = false, Problems = ["2 leaked clusters"] }],
            Repairs = ["removed /s/half"],
        };
        _stub.On("GET", "/v1/disks/check", CliRunner.Json(report));

        CliRun r = await CliRunner.RunAsync(_stub, "disk", "check");

        Assert.Equal((1, "PROBLEM disk:data  /s/d\n        2 leaked clusters\nrepair  removed /s/half\n1 of 1 volume(s) have problems\n"), (r.Exit, r.Stdout));
    }
}
