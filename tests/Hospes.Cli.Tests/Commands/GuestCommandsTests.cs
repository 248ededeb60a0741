using System.Net;
using System.Text;
using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Cli.Tests.Commands;

public sealed class GuestCommandsTests : IDisposable
{
    private readonly StubHandler _stub = new();

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task Exec_SendsEverythingAfterTheDashes_PrintsTheOutput_AndExitsWithTheGuestsCode()
    {
        _stub.On("POST", "/v1/vms/web/guest/exec", CliRunner.Json(new GuestExecResponse
        {
            Vm = "web",
            Pid = 7,
            ExitCode = 3,
            Stdout = Encoding.UTF8.GetBytes("out\n"),
            Stderr = Encoding.UTF8.GetBytes("err\n"),
        }));

        CliRun r = await CliRunner.RunAsync(_stub, "guest", "web", "exec", "--timeout", "9", "--", "sh", "-c", "echo --timeout; exit 3");

        Assert.Equal(3, r.Exit);
        Assert.Equal("out\n", r.Stdout);
        Assert.Equal("err\n", r.Stderr);
        Assert.Equal("{\"command\":[\"sh\",\"-c\",\"echo --timeout; exit 3\"],\"timeout_s\":9}", _stub.LastBody);
    }

    [Fact]
    public async Task Exec_EndedByASignal_ExitsAsAShellWould()
    {
        _stub.On("POST", "/v1/vms/web/guest/exec", CliRunner.Json(new GuestExecResponse { Vm = "web", Signal = 9 }));

        CliRun r = await CliRunner.RunAsync(_stub, "guest", "web", "exec", "--", "sleep", "100");

        Assert.Equal(137, r.Exit);
    }

    [Fact]
    public async Task Exec_WithoutACommand_IsRefusedBeforeHospesdHearsOfIt()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "guest", "web", "exec");

        r.Refused(_stub);
    }

    [Fact]
    public async Task Exec_WithATimeoutOutOfRange_IsRefusedBeforeHospesdHearsOfIt()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "guest", "web", "exec", "--timeout", "0", "--", "true");

        Assert.Contains("--timeout 0 is out of range; give 1 to 3600 seconds", r.Refused(_stub), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_ShowsTheHostNameAndEachInterfacesAddresses()
    {
        _stub.On("GET", "/v1/vms/web/guest", CliRunner.Json(new GuestInfo
        {
            Vm = "web",
            AgentVersion = "7.2.19",
            Os = "Hospes tiny guest",
            KernelRelease = "6.1.0-57-cloud-amd64",
            HostName = "web",
            Interfaces = [new GuestInterface { Name = "lo", Addresses = ["127.0.0.1/8"] }, new GuestInterface { Name = "eth0", Mac = "aa:00:00:00:00:01", Addresses = ["10.0.0.5/24"] }],
        }));

        CliRun r = await CliRunner.RunAsync(_stub, "guest", "web", "info");

        Assert.Equal(0, r.Exit);
        Assert.Contains("Host name: web", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("OS:        Hospes tiny guest", r.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"eth0\s+aa:00:00:00:00:01\s+10\.0\.0\.5/24", r.Stdout);
    }

    [Fact]
    public async Task Ping_WithJson_PrintsTheWireRecord()
    {
        var pong = new GuestPingResponse { Vm = "web", Ms = 12.5 };
        _stub.On("GET", "/v1/vms/web/guest/ping", CliRunner.Json(pong));

        CliRun r = await CliRunner.RunAsync(_stub, "guest", "web", "ping", "--format", "json");

        Assert.Equal(0, r.Exit);
        Assert.Equal(CliRunner.Printed(pong), r.Stdout);
    }

    [Fact]
    public async Task AnAgentThatDoesNotAnswer_IsOneLineAndExit1()
    {
        _stub.Error("GET", "/v1/vms/web/guest/ping", HttpStatusCode.GatewayTimeout, "timeout",
            "the guest agent of VM web did not answer within 5 s: is qemu-guest-agent running in the guest?");

        CliRun r = await CliRunner.RunAsync(_stub, "guest", "web", "ping");

        Assert.Equal(1, r.Exit);
        Assert.Equal("hospes: the guest agent of VM web did not answer within 5 s: is qemu-guest-agent running in the guest?\n", r.Stderr);
    }
}
