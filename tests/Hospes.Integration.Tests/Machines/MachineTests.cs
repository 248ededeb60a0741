using Hospes.Contracts;
using Hospes.Integration.Tests.Support;

namespace Hospes.Integration.Tests.Machines;

/// <summary>Config keys that change the machine: HVM, cpus pinning, vifs.</summary>
[Collection(HospesTests.Name)]
public sealed class MachineTests(TinyImage image) : IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task HvmGuest_BootsThroughFirmwareOnQ35_WithVirtioPciDevices()
    {
        await Guest.CreateAsync(_d, "hvm", "type = 'hvm'");

        VmInfo info = await _d.InfoAsync("hvm");
        Assert.Equal("q35", info.Machine);
        await using GuestConsole console = await _d.OpenConsoleAsync("hvm");
        await console.SendLineAsync("ls /sys/bus/pci/drivers/ | grep -c virtio-pci; echo pci-checked");
        await console.WaitForAsync(@"^1\r?\npci-checked\r?$");
        (await _d.CliAsync("shutdown", "hvm")).Ok();
    }

    [Fact]
    public async Task Cpus_PinsTheVcpuThreadsToThoseHostCpus()
    {
        await Guest.CreateAsync(_d, "pinned", "cpus = \"1\"");
        int pid = (await _d.InfoAsync("pinned")).Pid!.Value;

        var vcpuThreads = Directory.GetDirectories($"/proc/{pid}/task")
            .Where(t => File.ReadAllText(Path.Combine(t, "comm")).StartsWith("CPU ", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(vcpuThreads);
        foreach (string thread in vcpuThreads)
        {
            string allowed = File.ReadAllLines(Path.Combine(thread, "status")).Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
            Assert.Equal("Cpus_allowed_list:\t1", allowed);
        }
    }

    [Fact]
    public async Task Vif_GivesTheGuestANicWithTheConfiguredMac_AndAnAddressOverUserModeNetworking()
    {
        await Guest.CreateAsync(_d, "net", "vif = [ 'mac=AA:00:00:03:B2:2E' ]");

        VmInfo info = await _d.InfoAsync("net");
        Assert.Equal("aa:00:00:03:b2:2e", Assert.Single(info.Spec!.Vifs).Mac);
        await using GuestConsole console = await _d.OpenConsoleAsync("net");
        await console.SendLineAsync("cat /sys/class/net/eth0/address");
        await console.WaitForAsync(@"^aa:00:00:03:b2:2e\r?$");
        await console.SendLineAsync("for i in $(seq 1 50); do ip -4 addr show eth0 | grep -q 'inet ' && break; sleep 0.2; done; ip -4 addr show eth0 | grep -o 'inet [0-9.]*'");
        await console.WaitForAsync(@"^inet 10\.0\.2\.15\r?$");
    }

    [Fact]
    public async Task AVifWithoutMac_GetsOneThatStaysForTheVmsLife()
    {
        await Guest.CreateAsync(_d, "net", "vif = [ '' ]");
        string mac = Assert.Single((await _d.InfoAsync("net")).Spec!.Vifs).Mac!;
        Assert.Matches("^52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$", mac);

        (await _d.CliAsync("destroy", "net")).Ok();
        (await _d.CliAsync("start", "net")).Ok();

        Assert.Equal(mac, Assert.Single((await _d.InfoAsync("net")).Spec!.Vifs).Mac);
    }
}
