using System.Net;
using Hospes.Network.Dhcp;

namespace Hospes.Network.Tests.Dhcp;

public class DnsmasqLeasesTests
{
    private const string Leases = """
        1795346851 52:54:00:aa:00:01 10.165.1.10 web 01:52:54:00:aa:00:01
        1795346900 52:54:00:aa:00:02 10.165.1.20 db 01:52:54:00:aa:00:02
        1795346950 52:54:00:aa:00:09 10.165.1.90 * *

        """;

    [Fact]
    public void HasConflicts_WhenAnAddressIsNowReservedForAnotherMac()
    {
        Assert.True(DnsmasqLeases.HasConflicts(Leases, [new("52:54:00:aa:00:03", IPAddress.Parse("10.165.1.10"), "app")]));
    }

    [Fact]
    public void HasConflicts_NotForRemovedOrUnchangedReservations()
    {
        Assert.False(DnsmasqLeases.HasConflicts(Leases, [new("52:54:00:AA:00:02", IPAddress.Parse("10.165.1.20"), "db")]));
        Assert.False(DnsmasqLeases.HasConflicts("", [new("52:54:00:aa:00:02", IPAddress.Parse("10.165.1.20"), "db")]));
    }

    [Fact]
    public void KeepMatching_KeepsOnlyLeasesOfCurrentReservations()
    {
        Assert.Equal(
            "1795346900 52:54:00:aa:00:02 10.165.1.20 db 01:52:54:00:aa:00:02\n",
            DnsmasqLeases.KeepMatching(Leases, [new("52:54:00:aa:00:02", IPAddress.Parse("10.165.1.20"), "db"), new("52:54:00:aa:00:03", IPAddress.Parse("10.165.1.10"), "app")]));
    }
}
