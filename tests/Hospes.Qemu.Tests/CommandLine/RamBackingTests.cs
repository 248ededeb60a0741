using Hospes.Core.Vms;
using Hospes.Qemu.CommandLine;

namespace Hospes.Qemu.Tests.CommandLine;

/// <summary>A forkable VM's RAM file (shared) and a fork's (read-only file, private mapping) on the command line; vmgenid on every VM.</summary>
public sealed class RamBackingTests
{
    private static readonly VmRuntimePaths Paths = new()
    {
        QmpSocket = "/run/hospes/a.qmp",
        ConsoleSocket = "/run/hospes/a.console",
        ConsoleLog = "/var/lib/hospes/vms/a/console.log",
        PidFile = "/run/hospes/a.pid",
        QemuLog = "/var/lib/hospes/vms/a/qemu.log",
        QmpLog = "/var/lib/hospes/vms/a/qmp.log",
    };

    private static readonly VmSpec Pv = new()
    {
        Name = "web",
        Uuid = Guid.Parse("11111111-2222-3333-4444-555555555555"),
        Kernel = "/boot/vmlinuz",
        MemoryMib = 192,
        MaxMemoryMib = 256,
    };

    private static List<string> Args(VmSpec spec, RamBacking? ram, bool incoming = false) =>
        [.. QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = spec, Paths = Paths, Accel = Accelerator.Tcg, Ram = ram, Incoming = incoming }).Value];

    private static string After(List<string> args, string option) => args[args.IndexOf(option) + 1];

    [Fact]
    public void AForkableVm_KeepsItsRamInASharedFile_OfItsBootedSize_AsTheMachinesMemory()
    {
        List<string> args = Args(Pv, new RamBacking("/dev/shm/hospes/x/1111.ram", Private: false));

        Assert.Equal("microvm,acpi=on,memory-backend=ram0", After(args, "-machine"));
        Assert.Equal("256M", After(args, "-m"));
        Assert.Contains("memory-backend-file,id=ram0,size=256M,mem-path=/dev/shm/hospes/x/1111.ram,share=on", args);
    }

    [Fact]
    public void AFork_MapsTheForksFilePrivately_OpenedReadOnly_SoItNeverWritesIt()
    {
        List<string> args = Args(Pv with { Machine = "q35" }, new RamBacking("/dev/shm/hospes/x/fork-1/ram", Private: true));

        Assert.Equal("q35,memory-backend=ram0", After(args, "-machine"));
        Assert.Contains("memory-backend-file,id=ram0,size=256M,mem-path=/dev/shm/hospes/x/fork-1/ram,share=off,readonly=on,rom=off", args);
    }

    [Fact]
    public void AMicrovmFork_GetsNoKernel_AndItsRebootsComeToHospesd()
    {
        var fork = new RamBacking("/dev/shm/hospes/x/fork-1/ram", Private: true);
        VmSpec spec = Pv with { Ramdisk = "/boot/initrd", OnReboot = LifecycleAction.Restart };

        List<string> child = Args(spec, fork, incoming: true);
        Assert.DoesNotContain("-kernel", child);
        Assert.DoesNotContain("-initrd", child);
        Assert.DoesNotContain("-append", child);
        Assert.StartsWith("reboot=shutdown,", After(child, "-action"), StringComparison.Ordinal);
        Assert.Equal("defer", After(child, "-incoming"));

        // Its own RAM file, a boot, a restore into anonymous memory, a fork on q35: the kernel stays.
        foreach (List<string> args in (List<string>[])[
            Args(spec, new RamBacking("/dev/shm/hospes/x/1111.ram", Private: false)),
            Args(spec, fork, incoming: false),
            Args(spec, ram: null, incoming: true),
            Args(spec with { Machine = "q35" }, fork, incoming: true)])
        {
            Assert.Equal("/boot/vmlinuz", After(args, "-kernel"));
            Assert.Equal("/boot/initrd", After(args, "-initrd"));
            Assert.StartsWith("reboot=reset,", After(args, "-action"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AnOrdinaryVm_HasAnonymousMemory_AndEveryVmAVmgenid()
    {
        List<string> args = Args(Pv, ram: null);

        Assert.Equal("microvm,acpi=on", After(args, "-machine"));
        Assert.DoesNotContain(args, a => a.Contains("memory-backend", StringComparison.Ordinal));
        Assert.Equal("vmgenid,guid=auto", args[args.IndexOf("vmgenid,guid=auto")]);
    }

    [Fact]
    public void ACommaInTheRamPath_IsEscaped()
    {
        Assert.Contains("mem-path=/dev/shm/a,,b/ram,", QemuCommandLineBuilder.RamObject(new RamBacking("/dev/shm/a,b/ram", Private: true), 64), StringComparison.Ordinal);
    }
}
