using System.Net;
using Hospes.Network.Dhcp;
using Hospes.Network.Tests.Support;
using Hospes.Network.Tools;
using Hospes.Testing;

namespace Hospes.Network.Tests.Dhcp;

/// <summary>The names a network's dnsmasq answers are the ones Hospes gave, never one a guest claims. Needs root.</summary>
[Trait("Requires", "root")]
public class DnsmasqNamesNetnsTests
{
    private const string Mac = "52:54:00:aa:00:01";

    [Fact]
    public async Task AGuestWhoseNameIsNoDnsLabel_CannotClaimAnotherNameByDhcp()
    {
        CancellationToken ct = CancellationToken.None;
        await using NetLab lab = await NetLab.CreateAsync();
        using var dir = new TempDir();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101); // dnsmasq, as nobody, must get through it
        Netns guest = await lab.AddGuestAsync("vg0", Mac);

        // A VM named "my_vm" has no DNS name (names may hold '_'): its reservation is written without one.
        var spec = new DnsmasqSpec("lab", NetLab.Bridge, NetLab.Subnet, NetworkMode.Nat, dir.File("net"), [new(Mac, IPAddress.Parse("10.165.1.10"), "my_vm")]);
        var dnsmasq = new Dnsmasq(lab.Host.Tools);
        await dnsmasq.StartAsync(spec, ct);
        try
        {
            ToolResult lease = await guest.RunAsync("busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-f", "-t", "8", "-T", "1", "-s", "/bin/true", "-x", "hostname:wpad");
            Assert.Contains("10.165.1.10", lease.StandardOutput + lease.StandardError, StringComparison.Ordinal);
            await guest.RunAsync("ip", "address", "add", "10.165.1.10/24", "dev", "eth0");

            Assert.DoesNotContain("10.165.1.10", await LookupAsync(guest, "wpad.lab"), StringComparison.Ordinal);
            Assert.DoesNotContain("10.165.1.10", await LookupAsync(guest, "wpad"), StringComparison.Ordinal);
        }
        finally
        {
            await dnsmasq.StopAsync(spec.Directory, ct);
        }
    }

    /// <summary>What the network's dnsmasq answers for <paramref name="name"/>, as nslookup prints it.</summary>
    private static async Task<string> LookupAsync(Netns guest, string name)
    {
        ToolResult r = await guest.TryRunAsync("busybox", "nslookup", "-type=a", name, NetLab.Subnet.Gateway.ToString());
        return string.Join('\n', r.StandardOutput.Split('\n').Where(l => !l.Contains(":53", StringComparison.Ordinal)));
    }
}
