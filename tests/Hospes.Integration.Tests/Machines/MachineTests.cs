using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Machines;

/// <summary>Config keys that change the machine: HVM, cpus pinning (vifs: Network/NetworkTests).</summary>
public sealed class MachineTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
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
}
