using Hospes.Network.Addressing;
using Hospes.Network.Dhcp;
using Hospes.Network.Tools;

namespace Hospes.Network.Tests.Dhcp;

public class DnsmasqFilesTests
{
    [Fact]
    public async Task Start_UnderAFolderNobodyCannotSearch_IsRefusedWithTheFix()
    {
        // TempDir's folder is 0700: dnsmasq, running as nobody, could not re-read its hosts files below it.
        using var dir = new TempDir();
        var spec = new DnsmasqSpec("lab", "hb0", Ipv4Subnet.Parse("10.165.1.0/24"), NetworkMode.Nat, dir.File("net"), []);
        NetToolException e = await Assert.ThrowsAsync<NetToolException>(() => new Dnsmasq(new NetTools()).StartAsync(spec, CancellationToken.None));
        Assert.Contains($"folder {dir.Path} is not searchable by others; run 'chmod o+x {dir.Path}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunningPid_OfAPidThatIsNotOurDnsmasq_IsNull()
    {
        using var dir = new TempDir();
        File.WriteAllText(new DnsmasqPaths(dir.Path).PidFile, $"{Environment.ProcessId}\n");
        Assert.Null(Dnsmasq.RunningPid(dir.Path));
        File.WriteAllText(new DnsmasqPaths(dir.Path).PidFile, "garbage");
        Assert.Null(Dnsmasq.RunningPid(dir.Path));
        Assert.Null(Dnsmasq.RunningPid(dir.File("missing")));
    }
}
