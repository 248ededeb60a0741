using Hospes.Core.Vms;
using Hospes.Qemu.CommandLine;

namespace Hospes.Qemu.Tests.CommandLine;

public class CommandLineBuilderTests
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
        MemoryMib = 256,
        MaxMemoryMib = 256,
        Vcpus = 2,
        MaxVcpus = 2,
        Kernel = "/boot/vmlinuz",
        Ramdisk = "/boot/initrd.img",
        KernelCmdline = "root=/dev/vda ro",
        Disks = [new DiskSpec { Target = "/srv/web.qcow2", Format = "qcow2", Vdev = "xvda" }],
        Vifs = [new VifSpec { Mac = "aa:00:00:03:b2:2e" }],
    };

    private static string Line(VmSpec spec, Accelerator accel = Accelerator.Tcg, bool incoming = false, string host = "") =>
        string.Join(' ', QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = spec, Paths = Paths, Accel = accel, Incoming = incoming, HostCmdline = host }).Value);

    [Fact]
    public void PvGuest_BootsDirectlyOnMicrovm_WithVirtioMmioDevices()
    {
        string line = Line(Pv);

        Assert.Contains("-machine microvm,acpi=on", line, StringComparison.Ordinal);
        Assert.Contains("-accel tcg", line, StringComparison.Ordinal);
        Assert.Contains("-cpu max", line, StringComparison.Ordinal);
        Assert.Contains("-m 256M -smp 2", line, StringComparison.Ordinal);
        Assert.Contains("-kernel /boot/vmlinuz -initrd /boot/initrd.img -append root=/dev/vda ro console=ttyS0", line, StringComparison.Ordinal);
        Assert.Contains("-blockdev {\"driver\":\"qcow2\",\"file\":{\"driver\":\"file\",\"filename\":\"/srv/web.qcow2\",\"read-only\":false,\"discard\":\"unmap\"},\"node-name\":\"drive0\",\"read-only\":false}", line, StringComparison.Ordinal);
        Assert.Contains("-device virtio-blk-device,id=disk-xvda,drive=drive0", line, StringComparison.Ordinal);
        Assert.Contains("-netdev user,id=net0 -device virtio-net-device,netdev=net0,id=vif0,mac=aa:00:00:03:b2:2e", line, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryGuest_GetsConsoleLogQmpPidfileAndPausesOnPowerOff()
    {
        string line = Line(Pv);

        Assert.Contains("-chardev socket,id=console0,path=/run/hospes/a.console,server=on,wait=off,logfile=/var/lib/hospes/vms/a/console.log,logappend=on -serial chardev:console0", line, StringComparison.Ordinal);
        Assert.Contains("-chardev socket,id=qmp0,path=/run/hospes/a.qmp,server=on,wait=off -mon chardev=qmp0,mode=control", line, StringComparison.Ordinal);
        Assert.Contains("-pidfile /run/hospes/a.pid", line, StringComparison.Ordinal);
        Assert.Contains("-action reboot=reset,shutdown=pause,panic=pause", line, StringComparison.Ordinal);
        Assert.Contains("-device pvpanic", line, StringComparison.Ordinal);
        Assert.Contains(" -S", line, StringComparison.Ordinal);
        Assert.DoesNotContain("-incoming", line, StringComparison.Ordinal);
    }

    [Fact]
    public void OnRebootOtherThanRestart_TurnsGuestResetIntoShutdown()
    {
        Assert.Contains("-action reboot=shutdown,", Line(Pv with { OnReboot = LifecycleAction.Destroy }), StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_WaitsForIncomingStream()
    {
        Assert.Contains("-S -incoming defer", Line(Pv, incoming: true), StringComparison.Ordinal);
    }

    [Fact]
    public void MicrovmUnderTcg_IsToldTheTscRate_AndThatItIsReliable_SoItNeitherCalibratesNorWatchesIt()
    {
        string Append(VmSpec spec, Accelerator accel) =>
            string.Join(' ', QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = spec, Paths = Paths, Accel = accel, HostTscKhz = 2000000 }).Value);

        Assert.Contains("-append tsc_early_khz=2000000 tsc=reliable root=/dev/vda ro console=ttyS0", Append(Pv, Accelerator.Tcg), StringComparison.Ordinal);
        Assert.DoesNotContain("tsc_early_khz", Append(Pv, Accelerator.Kvm), StringComparison.Ordinal);
        Assert.DoesNotContain("tsc_early_khz", Append(Pv with { Boot = BootMode.Hvm }, Accelerator.Tcg), StringComparison.Ordinal);
        Assert.Contains("-append root=/dev/vda ro tsc_early_khz=1 console=ttyS0", Append(Pv with { KernelCmdline = "root=/dev/vda ro tsc_early_khz=1" }, Accelerator.Tcg), StringComparison.Ordinal);
        Assert.Contains("-append tsc_early_khz=2000000 root=/dev/vda ro tsc=unstable console=ttyS0", Append(Pv with { KernelCmdline = "root=/dev/vda ro tsc=unstable" }, Accelerator.Tcg), StringComparison.Ordinal);
    }

    [Fact]
    public void Kvm_UsesHostCpu()
    {
        string line = Line(Pv, Accelerator.Kvm);
        Assert.Contains("-accel kvm", line, StringComparison.Ordinal);
        Assert.Contains("-cpu host", line, StringComparison.Ordinal);
    }

    [Fact]
    public void HostParameters_ComeFirst_AndAConsoleOfTheConfigIsKept()
    {
        Assert.Contains("-append quiet hospes.name=web root=/dev/vda ro console=ttyS0", Line(Pv, host: "quiet hospes.name=web"), StringComparison.Ordinal);
        Assert.Contains("-append root=/dev/vda ro console=tty0", Line(Pv with { KernelCmdline = "root=/dev/vda ro console=tty0" }), StringComparison.Ordinal);
    }

    [Fact]
    public void Q35Guest_HasEmptyRootPortsForHotplug_AndItsLaterDisksBehindPortsOfTheirOwn()
    {
        string line = Line(Pv with
        {
            Machine = "q35",
            Disks = [new DiskSpec { Target = "/srv/a.img", Vdev = "xvda" }, new DiskSpec { Target = "/srv/b.img", Vdev = "xvdb" }],
        });

        Assert.Contains("-device virtio-blk-pci,id=disk-xvda,drive=drive0 ", line, StringComparison.Ordinal);
        Assert.Contains("-device pcie-root-port,id=dp1,chassis=101 -device virtio-blk-pci,id=disk-xvdb,drive=drive1,bus=dp1", line, StringComparison.Ordinal);
        Assert.EndsWith("-device pcie-root-port,id=hp2,chassis=3 -device pcie-root-port,id=hp3,chassis=4", line, StringComparison.Ordinal);
        Assert.DoesNotContain("pcie-root-port", Line(Pv), StringComparison.Ordinal);
    }

    [Fact]
    public void HvmGuest_GetsQ35_IdeForHdDisks_AndCdrom()
    {
        VmSpec hvm = Pv with
        {
            Boot = BootMode.Hvm,
            Kernel = null,
            Ramdisk = null,
            BootOrder = "dc",
            Disks =
            [
                new DiskSpec { Target = "/dev/vg/guest", Vdev = "hda" },
                new DiskSpec { Target = "/srv/install.iso", Vdev = "hdc", DeviceType = DiskDeviceType.Cdrom, ReadOnly = true },
                new DiskSpec { Target = "", Vdev = "hdd", DeviceType = DiskDeviceType.Cdrom, ReadOnly = true },
            ],
        };

        string line = Line(hvm);

        Assert.Contains("-machine q35", line, StringComparison.Ordinal);
        Assert.Contains("-boot order=dc", line, StringComparison.Ordinal);
        Assert.Contains("\"driver\":\"host_device\",\"filename\":\"/dev/vg/guest\"", line, StringComparison.Ordinal);
        Assert.Contains("-device ide-hd,id=disk-hda,bus=ide.0,drive=drive0", line, StringComparison.Ordinal);
        Assert.Contains("-device ide-cd,id=disk-hdc,bus=ide.1,drive=drive1", line, StringComparison.Ordinal);
        Assert.Contains("-device ide-cd,id=disk-hdd,bus=ide.2 ", line, StringComparison.Ordinal);
        Assert.Contains("-device virtio-net-pci,netdev=net0", line, StringComparison.Ordinal);
        Assert.DoesNotContain("-kernel", line, StringComparison.Ordinal);
    }

    [Fact]
    public void CommasInPaths_AreDoubledInChardevOptions()
    {
        var paths = Paths with { ConsoleLog = "/srv/a,b/console.log" };
        string line = string.Join(' ', QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = Pv, Paths = paths, Accel = Accelerator.Tcg }).Value);
        Assert.Contains("logfile=/srv/a,,b/console.log,", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOnlyDisk_IsReadOnlyAtEveryLayer()
    {
        string line = Line(Pv with { Disks = [new DiskSpec { Target = "/srv/base.img", Vdev = "xvda", ReadOnly = true }] });
        Assert.Contains("{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"/srv/base.img\",\"read-only\":true},\"node-name\":\"drive0\",\"read-only\":true}", line, StringComparison.Ordinal);
    }

    [Fact]
    public void PciPassthrough_AddsVfioDeviceOnQ35()
    {
        string line = Line(Pv with { PciDevices = ["0000:06:02.0"] });
        Assert.Contains("-machine q35", line, StringComparison.Ordinal);
        Assert.Contains("-device vfio-pci,host=0000:06:02.0", line, StringComparison.Ordinal);
        Assert.Contains("-smp 2,maxcpus=2", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Guest_BootsWithMaxmem_AndHasABalloonThatReportsFreePages_AndDeflatesOnOom()
    {
        string pv = Line(Pv with { MemoryMib = 256, MaxMemoryMib = 1024 });
        Assert.Contains("-m 1024M ", pv, StringComparison.Ordinal);
        Assert.Contains("-device virtio-balloon-device,id=balloon0,deflate-on-oom=on,free-page-reporting=on", pv, StringComparison.Ordinal);

        string hvm = Line(Pv with { Boot = BootMode.Hvm, Kernel = null, Ramdisk = null });
        Assert.Contains("-device virtio-balloon-pci,id=balloon0,deflate-on-oom=on,free-page-reporting=on", hvm, StringComparison.Ordinal);
    }

    [Fact]
    public void TcgTranslationCache_IsSizedOnlyWhenTheHostSaysSo_AndNeverForKvm()
    {
        string Accel(Accelerator accel, int? tb) =>
            string.Join(' ', QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = Pv, Paths = Paths, Accel = accel, TcgTbSizeMib = tb }).Value);

        Assert.Contains("-accel tcg,tb-size=32 ", Accel(Accelerator.Tcg, 32), StringComparison.Ordinal);
        Assert.Contains("-accel tcg ", Accel(Accelerator.Tcg, null), StringComparison.Ordinal);
        Assert.Contains("-accel kvm ", Accel(Accelerator.Kvm, 32), StringComparison.Ordinal);
    }

    [Fact]
    public void TcgGuestThatMayGetVcpusPlugged_RunsThemOnOneThread()
    {
        string Accel(int vcpus, int max) =>
            string.Join(' ', QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = Pv with { Vcpus = vcpus, MaxVcpus = max }, Paths = Paths, Accel = Accelerator.Tcg, TcgTbSizeMib = 32 }).Value);

        Assert.Contains("-accel tcg,thread=single,tb-size=32 ", Accel(1, 2), StringComparison.Ordinal);
        Assert.Contains("-accel tcg,tb-size=32 ", Accel(2, 2), StringComparison.Ordinal);
    }

    [Fact]
    public void QemuDropsToItsOwnUid_AndItsSyscallFilterLetsItDoSo()
    {
        string line = string.Join(' ', QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = Pv, Paths = Paths, Accel = Accelerator.Tcg, RunAs = new QemuUser(2000000007, 2000000007) }).Value);

        Assert.Contains("-run-with user=2000000007:2000000007", line, StringComparison.Ordinal);
        Assert.Contains("-sandbox on,obsolete=deny,elevateprivileges=allow,spawn=deny,resourcecontrol=deny", line, StringComparison.Ordinal);
    }

    [Fact]
    public void QemuThatKeepsItsUid_MayNotChangeIt()
    {
        string line = Line(Pv);

        Assert.DoesNotContain("-run-with", line, StringComparison.Ordinal);
        Assert.Contains("-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny", line, StringComparison.Ordinal);
    }
}
