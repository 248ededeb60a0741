using Hospes.Core.Vms;
using Hospes.Qemu.CommandLine;

namespace Hospes.Qemu.Tests.CommandLine;

public class AgentChannelTests
{
    private static readonly VmRuntimePaths Paths = new()
    {
        QmpSocket = "/run/hospes/a.qmp",
        ConsoleSocket = "/run/hospes/a.console",
        AgentSocket = "/run/hospes/a.qga",
        ConsoleLog = "/var/lib/hospes/vms/a/console.log",
        PidFile = "/run/hospes/a.pid",
        QemuLog = "/var/lib/hospes/vms/a/qemu.log",
        QmpLog = "/var/lib/hospes/vms/a/qmp.log",
    };

    private static readonly VmSpec Pv = new()
    {
        Name = "web",
        Uuid = Guid.Parse("11111111-2222-3333-4444-555555555555"),
        MemoryMib = 256,
        MaxMemoryMib = 256,
        Vcpus = 1,
        MaxVcpus = 1,
        Kernel = "/boot/vmlinuz",
        Disks = [new DiskSpec { Target = "/srv/web.qcow2", Format = "qcow2", Vdev = "xvda" }],
        Vifs = [new VifSpec { Mac = "aa:00:00:03:b2:2e" }],
    };

    private static List<string> Args(VmSpec spec, VmRuntimePaths paths) =>
        [.. QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = spec, Paths = paths, Accel = Accelerator.Tcg, HostCmdline = "" }).Value];

    [Fact]
    public void Microvm_GetsTheAgentPortOnVirtioSerialDevice_AsTheLastDevices()
    {
        List<string> a = Args(Pv, Paths);

        string[] expected =
        [
            "-chardev", "socket,id=qga0,path=/run/hospes/a.qga,server=on,wait=off",
            "-device", "virtio-serial-device,id=vser0",
            "-device", "virtserialport,bus=vser0.0,chardev=qga0,name=org.qemu.guest_agent.0",
        ];
        Assert.Equal(expected, a[^expected.Length..]);
    }

    [Fact]
    public void Q35_GetsVirtioSerialPci_AfterTheHotplugPorts_SoNoPciAddressMoves()
    {
        List<string> a = Args(Pv with { Boot = BootMode.Hvm, Kernel = null, Disks = [], Vifs = [] }, Paths);

        int lastPort = a.FindLastIndex(s => s.StartsWith("pcie-root-port,id=hp", StringComparison.Ordinal));
        int serial = a.IndexOf("virtio-serial-pci,id=vser0");
        Assert.True(lastPort > 0 && serial > lastPort, string.Join(' ', a));
        Assert.Equal("virtserialport,bus=vser0.0,chardev=qga0,name=org.qemu.guest_agent.0", a[^1]);
    }

    [Fact]
    public void WithoutAnAgentSocket_NoChannelIsAdded()
    {
        List<string> a = Args(Pv, Paths with { AgentSocket = null });

        Assert.DoesNotContain(a, s => s.Contains("virtio-serial", StringComparison.Ordinal) || s.Contains("qga0", StringComparison.Ordinal));
    }
}
