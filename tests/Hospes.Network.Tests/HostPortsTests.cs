using System.Net;
using System.Net.Sockets;

namespace Hospes.Network.Tests;

/// <summary>Ports in use, read from /proc/net: a listening TCP socket or any bound UDP socket.</summary>
public sealed class HostPortsTests : IDisposable
{
    private readonly string _procNet = Directory.CreateTempSubdirectory("hports-").FullName;

    public void Dispose() => Directory.Delete(_procNet, recursive: true);

    [Fact]
    public void ATcpPort_IsInUseWhenListening_NotWhenOnlyConnectedFrom()
    {
        File.WriteAllText(Path.Combine(_procNet, "tcp"), """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
               1: 0100007F:8AE2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 2 1
            """);
        File.WriteAllText(Path.Combine(_procNet, "tcp6"), """
              sl  local_address                         remote_address                        st
               0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A
            """);

        Assert.True(HostPorts.InUse("tcp", 8080, _procNet));
        Assert.True(HostPorts.InUse("tcp", 22, _procNet));
        Assert.False(HostPorts.InUse("tcp", 35554, _procNet));
        Assert.False(HostPorts.InUse("udp", 8080, _procNet));
    }

    [Fact]
    public void AUdpPort_IsInUseWhenBound()
    {
        File.WriteAllText(Path.Combine(_procNet, "udp"), """
              sl  local_address rem_address   st
             12: 00000000:0035 00000000:0000 07
            """);

        Assert.True(HostPorts.InUse("udp", 53, _procNet));
        Assert.False(HostPorts.InUse("udp", 54, _procNet));
    }

    [Fact]
    public void AListenerOfThisProcess_IsSeenInTheRealProcNet()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Assert.True(HostPorts.InUse("tcp", port));
        listener.Stop();
        Assert.False(HostPorts.InUse("tcp", port));
    }

    [Fact]
    public void TheEphemeralRange_IsReadFromItsSysctl_AndLinuxsDefaultWhenUnreadable()
    {
        string file = Path.Combine(_procNet, "ip_local_port_range");
        File.WriteAllText(file, "40000\t50000\n");
        Assert.Equal((40000, 50000), HostPorts.EphemeralRange(file));

        File.WriteAllText(file, "garbage\n");
        Assert.Equal((32768, 60999), HostPorts.EphemeralRange(file));
        Assert.Equal((32768, 60999), HostPorts.EphemeralRange(Path.Combine(_procNet, "missing")));
        (int low, int high) = HostPorts.EphemeralRange();
        Assert.True(low is > 0 and < 65536 && high >= low, $"this host's range: {low}-{high}");
    }
}
