using System.Net;
using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Cli.Tests.Commands;

public sealed class NetworkCommandsTests : IDisposable
{
    private static readonly PortForwardInfo Dns = new() { Vm = "web", Protocol = "udp", HostPort = 5353, GuestPort = 53, GuestIp = "10.0.0.5", Network = "lab0" };

    private readonly StubHandler _stub = new();

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task PortForwardAdd_ReadsHostPortGuestPortAndProtocol()
    {
        _stub.On("POST", "/v1/vms/web/port-forwards", HttpStatusCode.Created, CliRunner.Json(Dns));

        CliRun r = await CliRunner.RunAsync(_stub, "port-forward", "add", "web", "5353:53/udp", "--vif", "1");

        Assert.Equal("host port 5353/udp -> web 10.0.0.5:53 (network lab0)\n", r.Stdout);
        Assert.Equal("{\"host_port\":5353,\"guest_port\":53,\"protocol\":\"udp\",\"vif\":1}", _stub.LastBody);
    }

    [Theory]
    [InlineData("22")]
    [InlineData("a:22")]
    [InlineData("2222:22:1")]
    public async Task PortForwardAdd_WithoutTwoPorts_IsRefused(string ports)
    {
        CliRun r = await CliRunner.RunAsync(_stub, "port-forward", "add", "web", ports);

        Assert.Equal($"hospes: '{ports}' is not HOSTPORT:GUESTPORT; write e.g. 2222:22 or 5353:53/udp\n", r.Refused(_stub));
    }

    [Fact]
    public async Task PortForwardRemove_PutsProtocolAndPortInTheRoute()
    {
        _stub.On("DELETE", "/v1/vms/web/port-forwards/udp/5353", CliRunner.Json(Dns));

        CliRun r = await CliRunner.RunAsync(_stub, "port-forward", "remove", "web", "5353/udp");

        Assert.Equal("forward from host port 5353/udp to web removed\n", r.Stdout);
    }

    [Fact]
    public async Task PortForwardRemove_OfNoNumber_IsRefused()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "port-forward", "remove", "web", "ssh");

        Assert.Equal("hospes: 'ssh' is not a host port; write e.g. 2222 or 5353/udp\n", r.Refused(_stub));
    }

    [Fact]
    public async Task NetworkCreate_SendsTheMode()
    {
        var lab = new NetworkInfo { Name = "lab0", Bridge = "lab0", Subnet = "10.165.1.0/24", Gateway = "10.165.1.1", Mode = "isolated" };
        _stub.On("POST", "/v1/networks", HttpStatusCode.Created, CliRunner.Json(lab));

        CliRun r = await CliRunner.RunAsync(_stub, "network", "create", "lab0", "--subnet", "10.165.1.0/24", "--isolated");

        Assert.Equal("network lab0 created: bridge lab0, 10.165.1.0/24, gateway 10.165.1.1, isolated\n", r.Stdout);
        Assert.Equal("{\"name\":\"lab0\",\"subnet\":\"10.165.1.0/24\",\"mode\":\"isolated\",\"bridge\":null}", _stub.LastBody);
    }

    [Fact]
    public async Task NetworkCreate_NatAndIsolatedTogether_AreRefused()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "network", "create", "lab0", "--subnet", "10.165.1.0/24", "--nat", "--isolated");

        Assert.Contains("--nat and --isolated exclude each other; give one", r.Refused(_stub), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkCreate_WithoutASubnet_IsRefused()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "network", "create", "lab0");

        Assert.Contains("Option '--subnet' is required.", r.Refused(_stub), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VifList_PrintsATable()
    {
        var vif = new VifInfo { Index = 0, Mac = "00:16:3e:00:00:01", Ip = "10.0.0.5", Model = "virtio-net", Network = "lab0", Bridge = "lab0" };
        _stub.On("GET", "/v1/vms/web/vifs", CliRunner.Json(new[] { vif, vif with { Index = 1, Ip = null, Network = null, Bridge = "br0", Tap = "tap1" } }));

        CliRun r = await CliRunner.RunAsync(_stub, "vif-list", "web");

        Assert.Equal(
            "Idx  MAC                IP        Network        Bridge  Model       Tap\n"
            + "  0  00:16:3e:00:00:01  10.0.0.5  lab0           lab0    virtio-net  -\n"
            + "  1  00:16:3e:00:00:01  -         (host bridge)  br0     virtio-net  tap1\n",
            r.Stdout);
    }
}
