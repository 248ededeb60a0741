using System.Net;
using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;
using Hospes.Contracts.Vms;

namespace Hospes.Cli.Tests.Commands;

public sealed class VmCommandsTests : IDisposable
{
    private static readonly VmInfo Web = new()
    {
        Name = "web",
        Id = 3,
        Pid = 42,
        MemoryMib = 512,
        MaxMemoryMib = 512,
        Vcpus = 2,
        State = VmState.Running,
        Flags = "r-----",
        CpuTimeS = 1.5,
        Spec = new VmSpecDto
        {
            Name = "web",
            Kernel = "/boot/vmlinuz",
            Disks = [new DiskSpecDto { Target = "/d/web.qcow2", Vdev = "xvda" }, new DiskSpecDto { Target = "", Vdev = "hdc", ReadOnly = true }],
            Vifs = [new VifSpecDto { Mac = "00:16:3e:00:00:01", Ip = "10.0.0.5" }],
            OnReboot = LifecycleAction.RenameRestart,
        },
    };

    private static readonly VmInfo Db = new() { Name = "db", MemoryMib = 256, MaxMemoryMib = 256, Vcpus = 1, State = VmState.Shutoff };

    private readonly StubHandler _stub = new();
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _stub.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task List_PrintsXlsColumns()
    {
        _stub.On("GET", "/v1/vms", CliRunner.Json(new[] { Web, Db }));

        CliRun r = await CliRunner.RunAsync(_stub, "list");

        Assert.Equal(0, r.Exit);
        Assert.Equal(
            "Name  ID  Mem(MiB)  VCPUs  State   Time(s)  Project\n"
            + "web    3       512      2  r-----      1.5  default\n"
            + "db     -       256      1  ------      0.0  default\n",
            r.Stdout);
    }

    [Fact]
    public async Task List_AsJson_IsTheWireShapeIndented()
    {
        _stub.On("GET", "/v1/vms", CliRunner.Json(new[] { Web, Db }));

        CliRun r = await CliRunner.RunAsync(_stub, "list", "--format", "json");

        Assert.Equal(CliRunner.Printed(new[] { Web, Db }), r.Stdout);
        Assert.Contains("\"state\": \"running\"", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"on_reboot\": \"rename_restart\"", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_ShowsTheVmAndItsSpec_SkippingWhatIsEmpty()
    {
        _stub.On("GET", "/v1/vms/web", CliRunner.Json(Web));

        CliRun r = await CliRunner.RunAsync(_stub, "info", "web");

        string[] lines = r.Stdout.Split('\n');
        Assert.Contains("State:                    running (r-----)", lines);
        Assert.Contains("Project:                  default", lines);
        Assert.Contains("Disks:                    xvda=/d/web.qcow2, hdc= (ro)", lines);
        Assert.Contains("Network:                  00:16:3e:00:00:01 virtio-net ip=10.0.0.5", lines);
        Assert.Contains("On poweroff/reboot/crash: destroy/renamerestart/destroy", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Last error:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_SendsTheFileWithItsAbsolutePathAndOverrides_AndPrintsWarningsAndTheSummary()
    {
        string file = _dir.File("web.cfg");
        await File.WriteAllTextAsync(file, "name = \"web\"\n");
        var warning = new Diagnostic { Severity = "warning", File = file, Line = 1, Message = "m", Rendered = "web.cfg:1:1: warning: m" };
        _stub.On("POST", "/v1/vms", HttpStatusCode.Created, CliRunner.Json(new CreateVmResponse(Web, [warning])));

        CliRun r = await CliRunner.RunAsync(_stub, "create", file, "memory=512");

        Assert.Equal((0, "web: running (id 3, pid 42)\n", "web.cfg:1:1: warning: m\n"), (r.Exit, r.Stdout, r.Stderr));
        Assert.Equal(CliRunner.Json(new CreateVmRequest { Source = new ConfigRequest { Config = "name = \"web\"\n", ConfigPath = file, Overrides = ["memory=512"] } }), _stub.LastBody);
    }

    [Fact]
    public async Task Define_AsksNotToStart()
    {
        string file = _dir.File("db.cfg");
        await File.WriteAllTextAsync(file, "name = \"db\"\n");
        _stub.On("POST", "/v1/vms", HttpStatusCode.Created, CliRunner.Json(new CreateVmResponse(Db, [])));

        CliRun r = await CliRunner.RunAsync(_stub, "define", file);

        Assert.Equal("db: shutoff\n", r.Stdout);
        Assert.Contains("\"start\":false", _stub.LastBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OfAFolder_IsRefused_BeforeHospesdIsAsked()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "create", _dir.Path);

        Assert.Equal($"hospes: {_dir.Path} is a folder; give a config file such as /etc/hospes/web.cfg\n", r.Refused(_stub));
    }

    [Fact]
    public async Task Create_WithoutAFile_IsRefused()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "create");

        Assert.Contains("Required argument missing for command: 'create'", r.Refused(_stub), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PostsWithoutABody_AndPrintsTheState()
    {
        _stub.On("POST", "/v1/vms/web/start", CliRunner.Json(Web));

        CliRun r = await CliRunner.RunAsync(_stub, "start", "web");

        Assert.Equal("web: running (id 3, pid 42)\n", r.Stdout);
        Assert.Null(_stub.LastBody);
    }

    [Fact]
    public async Task Shutdown_SendsItsTimeoutAndForce()
    {
        _stub.On("POST", "/v1/vms/web/shutdown", CliRunner.Json(Db with { Name = "web" }));

        CliRun r = await CliRunner.RunAsync(_stub, "shutdown", "web", "--timeout", "20", "--force");

        Assert.Equal("web: shutoff\n", r.Stdout);
        Assert.Equal("{\"timeout_s\":20,\"force\":true}", _stub.LastBody);
    }

    [Fact]
    public async Task Shutdown_WithATimeoutThatIsNoNumber_IsRefused()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "shutdown", "web", "--timeout", "soon");

        Assert.Contains("Cannot parse argument 'soon' for option '--timeout'", r.Refused(_stub), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_WithForce_AsksForIt()
    {
        _stub.On("DELETE", "/v1/vms/web?force=true", CliRunner.Json(Web));

        CliRun r = await CliRunner.RunAsync(_stub, "delete", "web", "--force");

        Assert.Equal("web: deleted\n", r.Stdout);
    }

    [Fact]
    public async Task Save_SendsAnAbsolutePath_AndSaysWhere()
    {
        _stub.On("POST", "/v1/vms/web/save", CliRunner.Json(Db with { Name = "web", State = VmState.Saved, SavePath = "/tmp/web.save" }));

        CliRun r = await CliRunner.RunAsync(_stub, "save", "web", "web.save");

        Assert.Equal("web: saved in /tmp/web.save\n", r.Stdout);
        Assert.Equal(CliRunner.Json(new SaveRequest { Path = Path.GetFullPath("web.save") }), _stub.LastBody);
    }

    [Fact]
    public async Task AnApiError_PrintsItsDetailsThenTheMessage_AndExits1()
    {
        _stub.Error("GET", "/v1/vms/x", HttpStatusCode.NotFound, "not_found", "no VM named 'x'", "first", "second");

        CliRun r = await CliRunner.RunAsync(_stub, "info", "x");

        Assert.Equal((1, "", "first\nsecond\nhospes: no VM named 'x'\n"), (r.Exit, r.Stdout, r.Stderr));
    }

    [Fact]
    public async Task AFormatOtherThanTableOrJson_IsRefused()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "list", "--format", "xml");

        Assert.Contains("'xml'", r.Refused(_stub), StringComparison.Ordinal);
    }
}
