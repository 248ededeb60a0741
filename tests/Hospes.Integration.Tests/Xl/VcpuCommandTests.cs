using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Xl;

/// <summary>xl's vCPU commands on real guests through the real CLI: vcpu-set (hot-plug and unplug), vcpu-list, vcpu-pin.</summary>
public sealed class VcpuCommandTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task VcpuSet_PlugsAVcpuTheGuestSees_AndUnplugsIt_VcpuListShowsThem()
    {
        // maxvcpus above vcpus: a q35 machine with a free vCPU slot.
        await Guest.CreateAsync(_d, "cpus", "maxvcpus = 2");
        Assert.Equal("0", await GuestShell.RunAsync(_d, "cpus", "cat /sys/devices/system/cpu/online"));

        VcpuInfo first = Assert.Single(await _d.JsonAsync<VcpuInfo[]>("vcpu-list", "cpus"));
        Assert.Equal("all", first.Affinity);
        Assert.Matches("^(r--|-b-)$", first.State);

        // Plugged by QEMU; onlined in the guest as a udev rule would (the tiny guest has no udev).
        CliResult set = (await _d.CliAsync("vcpu-set", "cpus", "2")).Ok();
        Assert.Contains("Time(s)", set.Stdout, StringComparison.Ordinal);
        Assert.Equal("1", await GuestShell.RunAsync(_d, "cpus", "for i in $(seq 50); do [ -e /sys/devices/system/cpu/cpu1/online ] && break; usleep 100000; done; "
            + "echo 1 > /sys/devices/system/cpu/cpu1/online; cat /sys/devices/system/cpu/cpu1/online"));
        Assert.Equal("2", await GuestShell.RunAsync(_d, "cpus", "grep -c ^processor /proc/cpuinfo"));
        Assert.Equal(2, (await _d.InfoAsync("cpus")).Spec!.Vcpus);

        CliResult list = (await _d.CliAsync("vcpu-list")).Ok();
        Assert.StartsWith("Name", list.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, list.Stdout.Split('\n').Count(l => l.StartsWith("cpus ", StringComparison.Ordinal)));

        // Under TCG this guest's vCPUs share one host thread (so they can be plugged), where QEMU cannot unplug one: refused,
        // and the VM keeps running with both. Shut off, the count is kept for its next start.
        Assert.Contains("cpus: it runs under TCG with all vCPUs on one host thread, where QEMU aborts when a vCPU is unplugged", (await _d.CliAsync("vcpu-set", "cpus", "1")).Fails(), StringComparison.Ordinal);
        Assert.Equal(2, (await _d.JsonAsync<VcpuInfo[]>("vcpu-list", "cpus")).Length);
        (await _d.CliAsync("destroy", "cpus")).Ok();
        (await _d.CliAsync("vcpu-set", "cpus", "1")).Ok();
        Assert.Equal(1, (await _d.InfoAsync("cpus")).Spec!.Vcpus);
        Assert.Equal("---", Assert.Single(await _d.JsonAsync<VcpuInfo[]>("vcpu-list", "cpus")).State);

        Assert.Contains("cpus: 3 vCPUs is above its maxvcpus (2)", (await _d.CliAsync("vcpu-set", "cpus", "3")).Fails(), StringComparison.Ordinal);
        Assert.Contains("no VM named 'nosuch'", (await _d.CliAsync("vcpu-set", "nosuch", "1")).Fails(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VcpuPin_MovesOneVcpuThread_OrAllAsTheVmsCpus()
    {
        // vcpus = maxvcpus: microvm, one host thread per vCPU ("CPU 1/TCG" or "CPU 1/KVM").
        await Guest.CreateAsync(_d, "pin", "vcpus = 2");
        int pid = (await _d.InfoAsync("pin")).Pid!.Value;

        (await _d.CliAsync("vcpu-pin", "pin", "1", "0")).Ok();
        Assert.Equal("0", CpusAllowed(pid, "CPU 1/"));
        Assert.NotEqual("0", CpusAllowed(pid, "CPU 0/"));
        Assert.Equal(["all", "0"], (await _d.JsonAsync<VcpuInfo[]>("vcpu-list", "pin")).Select(v => v.Affinity));
        Assert.Null((await _d.InfoAsync("pin")).Spec!.CpuAffinity);

        // All of them: kept as the VM's cpus=, and 'all' undoes it.
        (await _d.CliAsync("vcpu-pin", "pin", "all", "0")).Ok();
        Assert.Equal("0", CpusAllowed(pid, "CPU 0/"));
        Assert.Equal("0", (await _d.InfoAsync("pin")).Spec!.CpuAffinity);
        (await _d.CliAsync("vcpu-pin", "pin", "all", "all")).Ok();
        Assert.Null((await _d.InfoAsync("pin")).Spec!.CpuAffinity);
        Assert.Equal(["all", "all"], (await _d.JsonAsync<VcpuInfo[]>("vcpu-list", "pin")).Select(v => v.Affinity));

        Assert.Contains("its machine (microvm) cannot plug or unplug vCPUs", (await _d.CliAsync("vcpu-set", "pin", "1")).Fails(), StringComparison.Ordinal);
        Assert.Contains("pin has no vCPU 5", (await _d.CliAsync("vcpu-pin", "pin", "5", "0")).Fails(), StringComparison.Ordinal);
        Assert.Contains("CPUs 'x' ", (await _d.CliAsync("vcpu-pin", "pin", "all", "x")).Fails(), StringComparison.Ordinal);
        Assert.Contains("names CPU 4095, but this host has CPUs 0 to", (await _d.CliAsync("vcpu-pin", "pin", "all", "4095")).Fails(), StringComparison.Ordinal);
        Assert.Contains("vcpu 'one' is not a vCPU number", (await _d.CliAsync("vcpu-pin", "pin", "one", "0")).Stderr, StringComparison.Ordinal);
    }

    /// <summary>Cpus_allowed_list of the QEMU thread whose name starts with <paramref name="threadName"/>.</summary>
    private static string CpusAllowed(int pid, string threadName)
    {
        foreach (string task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(threadName, StringComparison.Ordinal))
            {
                return File.ReadLines(Path.Combine(task, "status")).First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))[18..].Trim();
            }
        }

        throw new InvalidOperationException($"QEMU {pid} has no thread named {threadName}*");
    }
}
