using Hospes.Core.Errors;
using Hospes.Core.Vms;

namespace Hospes.Core.Tests.Vms;

/// <summary>The one check of a VM spec from anywhere: what it refuses, that it reports every problem, and what a policy allows.</summary>
public sealed class VmSpecValidatorTests
{
    private static readonly FakePaths Host = new()
    {
        ["/dev/sda"] = new("/dev/sda", HostPathKind.BlockDevice),
        ["/dev/vg0/web"] = new("/dev/dm-3", HostPathKind.BlockDevice),
        ["/dev/tty0"] = new("/dev/tty0", HostPathKind.CharacterDevice),
        ["/srv/shared/web.img"] = new("/srv/shared/web.img", HostPathKind.File),
        ["/srv/shared/sneaky.img"] = new("/dev/sda", HostPathKind.BlockDevice),
        ["/srv/shared/node"] = new("/srv/shared/node", HostPathKind.BlockDevice),
        ["/boot/vmlinuz"] = new("/boot/vmlinuz", HostPathKind.File),
    };

    /// <summary>What a migration's destination allows by default: store images, its own disks and networks.</summary>
    private static readonly VmSpecPolicy Peer = new()
    {
        Origin = "the offer from host-a",
        PathRoots = [],
        HostBridges = [],
        PciDevices = [],
        Networks = ["default", "hospes0", "lab"],
        HostMadeDisks = ["xvda"],
        Paths = Host,
    };

    private static VmSpec Spec(Func<VmSpec, VmSpec>? change = null)
    {
        var spec = new VmSpec
        {
            Name = "web",
            Uuid = Guid.Parse("3d6b4f4e-0b1a-4f7c-9a55-2f0c6c1d2e3f"),
            MemoryMib = 256,
            MaxMemoryMib = 512,
            Kernel = "image:tiny",
            Disks = [new DiskSpec { Target = "/var/lib/hospes-a/vms/x/disks/xvda.qcow2", Format = "qcow2", Vdev = "xvda" }],
            Vifs = [new VifSpec { Mac = "52:54:00:12:34:56", Ip = "10.254.0.5", Bridge = "lab" }],
        };
        return change is null ? spec : change(spec);
    }

    private static string[] Problems(VmSpec spec, VmSpecPolicy? policy = null) =>
        [.. VmSpecValidator.Validate(spec, policy ?? Peer).Select(p => p.ToString())];

    [Fact]
    public void Validate_AMigratedVmOfStoreImagesItsOwnDisksAndNetworks_HasNoProblem() => Assert.Empty(Problems(Spec()));

    [Theory]
    [InlineData("/initrd")]
    [InlineData("../../../../../etc/logrotate.d/x")]
    [InlineData("xvdb/../../x")]
    [InlineData("xvdb\n")]
    [InlineData("")]
    public void Validate_AVdevThatIsNotAGuestDiskName_IsRefused_SoItNeverBecomesAPath(string vdev)
    {
        string[] problems = Problems(Spec(s => s with { Disks = [new DiskSpec { Target = "image:tiny", Vdev = vdev, ReadOnly = true }] }));

        Assert.Equal([$"disk 0: vdev '{vdev}' is not a guest disk name; use xvdX, hdX, sdX or vdX (e.g. xvda, hdc, sda7)"], problems);
    }

    [Fact]
    public void Validate_PlatformOfAnHvmGuest_Passes()
    {
        VmSpec hvm = Spec(s => s with
        {
            Boot = BootMode.Hvm,
            Kernel = null,
            Firmware = SpecRules.Ovmf,
            LocalTime = true,
            Acpi = false,
            Hpet = false,
            Usb = true,
            UsbDevices = ["usb-tablet"],
            SoundHw = "hda",
        });

        Assert.Empty(Problems(hvm));
    }

    [Fact]
    public void Validate_PlatformValuesQemuIsNeverGiven_AreRefused()
    {
        string[] problems = Problems(Spec(s => s with
        {
            Firmware = "ovmf,readonly=off",
            Vcpus = 2,
            MaxVcpus = 2,
            Apic = false,
            UsbDevices = ["usb-host,hostbus=1"],
            SoundHw = "sb16",
        }));

        Assert.Equal(
        [
            "bios: 'ovmf,readonly=off' is not a firmware Hospes has; use 'ovmf' for UEFI or leave it out for SeaBIOS",
            "apic: apic = 0 leaves the guest without a local APIC, which only works with one vCPU; it has 2: set vcpus = 1 or remove apic = 0",
            "usbdevice: 'usb-host,hostbus=1' is not a USB device Hospes gives; use usb-tablet, usb-mouse or usb-kbd",
            "usb: is off but USB devices are listed; set usb = 1 or remove the devices",
            "soundhw: 'sb16' is not a sound card Hospes gives; use hda, ac97 or es1370",
        ],
            problems);
    }

    [Fact]
    public void Validate_ReportsEveryProblem_NotTheFirst()
    {
        VmSpec spec = Spec(s => s with
        {
            Name = "../x",
            MemoryMib = 16,
            MaxMemoryMib = 200_000,
            Vcpus = 0,
            CpuAffinity = "0-2147483647",
            Machine = "virt,accel=kvm",
            BootOrder = "cz",
            Boot = (BootMode)99,
            Vifs = [new VifSpec { Mac = "52:54:00:00:00:01,romfile=/etc/shadow", Ip = "10.0.0.300", Model = "tulip", VifName = "a-very-long-tap-name" }],
            PciDevices = ["06:02.0"],
        });

        Assert.Equal(
            [
                "name: '../x' is not a valid VM name: the name must start with a letter or digit",
                "vcpus: 0 is not a usable number of virtual CPUs; give 1 to 4096",
                "cpus: '0-2147483647' is not a list of host CPUs 0 to 4095; write numbers and ranges, e.g. '0-3,6'",
                "type: 99 is not one of pv, pvh or hvm",
                "machine: 'virt,accel=kvm' is not supported; use 'microvm', 'q35' or 'pc', or leave it out to let Hospes choose",
                "boot: 'cz' is not a boot order; use the letters c (disk), d (cdrom) and n (network) once each, e.g. 'cd'",
                "vif 0: mac '52:54:00:00:00:01,romfile=/etc/shadow' is not a usable MAC; write six lower-case hex octets of a unicast address, e.g. 52:54:00:12:34:56, or leave it out",
                "vif 0: ip '10.0.0.300' is not an IPv4 address; write e.g. 10.0.0.5 or leave it out",
                "vif 0: model 'tulip' is not supported; use virtio-net, e1000, e1000e, rtl8139, ne2k_pci or pcnet",
                "vif 0: vifname 'a-very-long-tap-name' is not an interface name; use at most 15 letters, digits, '-', '_' and '.', or leave it out",
                "pci: '06:02.0' is not a PCI address; write DDDD:BB:DD.F, e.g. 0000:06:02.0",
            ],
            Problems(spec));
    }

    [Fact]
    public void Validate_HostDevicesFilesBridgesAndPci_AreRefusedFromAPeer_NamingTheSettingThatAllowsThem()
    {
        VmSpec spec = Spec(s => s with
        {
            Kernel = "/boot/vmlinuz",
            Disks =
            [
                new DiskSpec { Target = "/dev/sda", Format = "raw", Vdev = "xvdb" },
                new DiskSpec { Target = "/srv/shared/sneaky.img", Vdev = "xvdc" },
                new DiskSpec { Target = "/dev/tty0", Vdev = "xvdd" },
            ],
            Vifs = [new VifSpec { Bridge = "br0" }],
            PciDevices = ["0000:06:02.0"],
        });

        Assert.Equal(
            [
                "kernel: /boot/vmlinuz is a file of this host outside the folders the offer from host-a may use (store images and the disks this host makes for it); if both hosts share that folder, to allow it, name its folder in migration.allow_paths (hospesd.conf)",
                "disk xvdb: target /dev/sda is a block device of this host; the offer from host-a may use host devices only where allowed: to allow it, name it (or its folder in /dev) in migration.allow_paths (hospesd.conf)",
                "disk xvdc: target /srv/shared/sneaky.img (which is /dev/sda) is a block device of this host; the offer from host-a may use host devices only where allowed: to allow it, name it (or its folder in /dev) in migration.allow_paths (hospesd.conf)",
                "disk xvdd: target /dev/tty0 is a character device of this host, not a disk; the offer from host-a may not use it",
                "vif 0: bridge 'br0' is not a Hospes network here; the offer from host-a may join this host's networks, and host bridges only where allowed: to allow it, name it in migration.allow_bridges (hospesd.conf)",
                "pci: device 0000:06:02.0 is a PCI device of this host; the offer from host-a may not pass it through to the guest: to allow it, name it in migration.allow_pci (hospesd.conf)",
            ],
            Problems(spec));
    }

    [Fact]
    public void Validate_WhatTheHostAllows_Passes_ButADeviceNodeOnSharedStorageStaysRefused()
    {
        VmSpecPolicy allowing = Peer with { PathRoots = ["/srv/shared", "/dev/vg0", "/boot"], HostBridges = ["br0"], PciDevices = ["0000:06:02.0"] };
        VmSpec spec = Spec(s => s with
        {
            Kernel = "/boot/vmlinuz",
            Disks = [new DiskSpec { Target = "/srv/shared/web.img", Vdev = "xvdb" }, new DiskSpec { Target = "/dev/vg0/web", Vdev = "xvdc" }],
            Vifs = [new VifSpec { Bridge = "br0" }],
            PciDevices = ["0000:06:02.0"],
        });

        Assert.Empty(Problems(spec, allowing));
        Assert.Equal(
            ["disk xvdb: target /srv/shared/node is a block device of this host; the offer from host-a may use host devices only where allowed: to allow it, name it (or its folder in /dev) in migration.allow_paths (hospesd.conf)"],
            Problems(spec with { Disks = [new DiskSpec { Target = "/srv/shared/node", Vdev = "xvdb" }] }, allowing));
    }

    [Fact]
    public void Validate_AUserWhoIsNotAnAdmin_MayNameOnlyTheStoreAndNetworksGranted_NoHostPathDeviceBridgePciAcceleratorOrPinning()
    {
        VmSpecPolicy user = new()
        {
            Origin = "lab.cfg (from carol, who is not an admin)",
            PathRoots = [],
            HostBridges = [],
            PciDevices = [],
            Networks = ["lab"],
            StoreNames = ["tiny"],
            HostTuning = false,
            HostPaths = false,
            AllowPaths = "only an admin may",
        };
        VmSpec granted = Spec(s => s with { Disks = [new DiskSpec { Target = "image:tiny", Format = "qcow2", Vdev = "xvda" }] });
        Assert.Empty(Problems(granted, user));

        VmSpec spec = granted with
        {
            Kernel = "/boot/vmlinuz",
            Ramdisk = "image:debian",
            Disks = [new DiskSpec { Target = "/dev/sda", Format = "raw", Vdev = "xvdb" }],
            Vifs = [new VifSpec { Bridge = "br0" }],
            PciDevices = ["0000:06:02.0"],
            Accel = Accelerator.Kvm,
            CpuAffinity = "0-1",
        };
        string[] problems = Problems(spec, user);
        Assert.Equal(7, problems.Length);
        Assert.Contains("accel: kvm chooses this host's accelerator, which lab.cfg (from carol, who is not an admin) may not; leave it out, or ask an admin to create the VM", problems);
        Assert.Contains("cpus: '0-1' pins the guest to this host's CPUs, which lab.cfg (from carol, who is not an admin) may not; leave it out, or ask an admin to create the VM", problems);
        Assert.Contains("kernel: '/boot/vmlinuz' is a path on this host, which lab.cfg (from carol, who is not an admin) may not name; only an admin may", problems);
        Assert.Contains("disk xvdb: target '/dev/sda' is a path on this host, which lab.cfg (from carol, who is not an admin) may not name; only an admin may", problems);
        Assert.Contains(problems, p => p.StartsWith("ramdisk: 'image:debian' is not an image or disk lab.cfg (from carol, who is not an admin) may use", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("vif 0: bridge 'br0' is not a Hospes network here", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("pci: device 0000:06:02.0 is a PCI device of this host", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RootsOwnConfig_MayNameHostDevicesBridgesAndPci()
    {
        VmSpec spec = Spec(s => s with
        {
            Disks = [new DiskSpec { Target = "/dev/sda", Vdev = "xvda" }],
            Vifs = [new VifSpec { Bridge = "br0" }],
            PciDevices = ["0000:06:02.0"],
        });

        Assert.Empty(Problems(spec, VmSpecPolicy.Anything("web.cfg")));
    }

    [Fact]
    public void Validate_NullsFromJson_AreProblems_NotExceptions()
    {
        VmSpec spec = Spec(s => s with { Name = null!, KernelCmdline = null!, Disks = [null!], Vifs = null!, PciDevices = [null!] });

        Assert.Equal(
            [
                "name: (none) is not a valid VM name: the name is empty",
                "kernel command line: is missing; give \"\" for none",
                "disk 0: is missing (null); remove it from the list",
                "vifs: are missing; give a list ([] for none)",
                "pci: (none) is not a PCI address; write DDDD:BB:DD.F, e.g. 0000:06:02.0",
            ],
            Problems(spec));
    }

    [Fact]
    public void Check_GivesOneErrorWithEveryProblemInItsDetails()
    {
        HospesError error = VmSpecValidator.Check(Spec(s => s with { MemoryMib = 8, Vcpus = 0 }), Peer)!;

        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal("the offer from host-a: memory: 8 MiB is too little; a guest needs at least 16 MiB, e.g. memory = 512 (and 1 more problem(s), listed in the details)", error.Message);
        Assert.Equal(2, error.Details.Count);
        Assert.Null(VmSpecValidator.Check(Spec(), Peer));
    }

    private sealed class FakePaths : Dictionary<string, HostPathInfo>, IHostPaths
    {
        public HostPathInfo Inspect(string path) => TryGetValue(path, out HostPathInfo info) ? info : new(path, HostPathKind.Missing);
    }
}
