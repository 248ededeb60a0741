using System.Globalization;
using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Core.Vms;

namespace Hospes.Qemu.CommandLine;

/// <summary>VM spec to QEMU arguments. Pure: no IO, tested table-driven against expected text.</summary>
public static class QemuCommandLineBuilder
{
    public const string ConsoleDevice = "ttyS0";

    /// <summary>Tells a Linux guest its TSC rate so it need not calibrate it (microvm has no timer to calibrate against).</summary>
    public const string TscParameter = "tsc_early_khz";

    /// <summary>Tells a Linux guest under TCG its TSC is sound: no clocksource watchdog, a tickless idle (see Build).</summary>
    public const string TscReliable = "tsc=reliable";

    /// <summary>How many empty PCIe root ports a q35 guest gets for devices plugged while it runs.</summary>
    public const int HotplugPorts = 4;

    // Root ports of disks after the first are chassis 100 and up; the empty hot-plug ports 1 to HotplugPorts.
    private const int DiskPortChassis = 100;

    /// <summary>The id of hot-plug root port <paramref name="index"/>.</summary>
    public static string HotplugPort(int index) => "hp" + Invariant(index);

    public static Result<IReadOnlyList<string>> Build(QemuLaunchSpec launch)
    {
        VmSpec spec = launch.Spec;
        Result<string> machine = MachineChooser.Choose(spec);
        if (!machine.IsOk)
        {
            return machine.Error;
        }

        bool mmio = machine.Value == MachineChooser.Microvm;
        bool withoutKernel = launch.ContinuesForkWithoutKernel(mmio);
        Result<string> machineOption = MachineOption(launch, machine.Value, mmio);
        if (!machineOption.IsOk)
        {
            return machineOption.Error;
        }

        if (launch.Ram is not null)
        {
            machineOption = machineOption.Value + $",memory-backend={QemuNames.RamBackend}";
        }

        var a = new List<string>
        {
            "-name", $"guest={Escape(spec.Name)},debug-threads=on",
            "-uuid", spec.Uuid.ToString(),
            "-accel", Accel(launch),
            "-machine", machineOption.Value,
            "-cpu", (launch.Accel == Accelerator.Kvm ? "host" : "max") + (spec.Apic ? "" : ",apic=off"),
            // The guest boots with maxmem and is ballooned down to memory before its first instruction (Xen's meaning).
            "-m", $"{Math.Max(spec.MemoryMib, spec.MaxMemoryMib)}M",
            "-smp", mmio ? Invariant(spec.Vcpus) : $"{spec.Vcpus},maxcpus={spec.MaxVcpus}",
            "-nodefaults", "-no-user-config", "-display", "none",
            "-msg", "timestamp=on",
            "-chardev", $"socket,id={QemuNames.ConsoleChardev},path={Escape(launch.Paths.ConsoleSocket)},server=on,wait=off,logfile={Escape(launch.Paths.ConsoleLog)},logappend=on",
            "-serial", $"chardev:{QemuNames.ConsoleChardev}",
            "-chardev", $"socket,id={QemuNames.QmpChardev},path={Escape(launch.Paths.QmpSocket)},server=on,wait=off",
            "-mon", $"chardev={QemuNames.QmpChardev},mode=control",
            "-pidfile", launch.Paths.PidFile,

            // QEMU pauses instead of exiting when the guest powers off, so hospesd (even after a restart)
            // learns it was a power-off and not a crash, and applies on_poweroff itself.
            "-action", $"reboot={(spec.OnReboot == LifecycleAction.Restart && !withoutKernel ? "reset" : "shutdown")},shutdown=pause,panic=pause",
            "-sandbox", Sandbox(launch.RunAs),
            "-device", "pvpanic",
            "-object", $"rng-random,id={QemuNames.RngObject},filename=/dev/urandom",
            "-device", (mmio ? "virtio-rng-device" : "virtio-rng-pci") + $",rng={QemuNames.RngObject}",

            // deflate-on-oom: a guest about to OOM-kill takes pages back from its balloon, so no balloon target can
            // kill a guest process. free-page-reporting: pages the guest frees go back to the host by themselves.
            "-device", (mmio ? "virtio-balloon-device" : "virtio-balloon-pci") + $",id={QemuNames.BalloonId},deflate-on-oom=on,free-page-reporting=on",
        };

        if (launch.Ram is { } ram)
        {
            a.AddRange(["-object", RamObject(ram, Math.Max(spec.MemoryMib, spec.MaxMemoryMib))]);
        }

        // A new GUID per QEMU: a guest continued from another's state (a fork, a restore) reseeds its random generator.
        a.AddRange(["-device", "vmgenid,guid=auto"]);

        if (launch.RunAs is { } user)
        {
            a.AddRange(["-run-with", $"user={Invariant(user.Uid)}:{Invariant(user.Gid)}"]);
        }

        // Hospes sets up (vCPU pinning, QMP) before the first guest instruction runs, then continues;
        // a restored guest likewise stays paused until Hospes decides.
        a.Add("-S");
        if (launch.Incoming)
        {
            a.AddRange(["-incoming", "defer"]);
        }

        if (spec.Kernel is not null && !withoutKernel)
        {
            a.AddRange(["-kernel", spec.Kernel]);
            if (spec.Ramdisk is not null)
            {
                a.AddRange(["-initrd", spec.Ramdisk]);
            }

            string hostCmdline = launch.HostCmdline;
            if (mmio && launch.Accel == Accelerator.Tcg && launch.HostTscKhz is { } khz && !spec.KernelCmdline.Contains(TscParameter, StringComparison.Ordinal))
            {
                hostCmdline = $"{hostCmdline} {TscParameter}={Invariant(khz)}".Trim();

                // Under TCG the guest's TSC is the host's clock. Without tsc=reliable the kernel keeps a clocksource
                // watchdog on it and an idle tiny guest costs 4.4 % of a core; with it, 0.5 % (measured, issue 16: it is
                // what limits how many idle forks 2 cores run).
                if (!spec.KernelCmdline.Contains("tsc=", StringComparison.Ordinal))
                {
                    hostCmdline = $"{hostCmdline} {TscReliable}";
                }
            }

            a.AddRange(["-append", KernelCmdline(spec, hostCmdline)]);
        }

        if (spec.Boot == BootMode.Hvm && spec.BootOrder is { Length: > 0 } order)
        {
            a.AddRange(["-boot", $"order={Escape(order)}"]);
        }

        AddPlatform(a, spec, launch.Paths);
        AddDisplay(a, spec, launch.Paths);

        foreach ((string name, string path) in launch.FwCfgFiles)
        {
            a.AddRange(["-fw_cfg", $"name={Escape(name)},file={Escape(path)}"]);
        }

        AddDisks(a, spec, mmio, machine.Value.Contains(MachineChooser.Q35, StringComparison.Ordinal));
        AddVifs(a, spec, launch.NetdevBackends, mmio);
        foreach (string bdf in spec.PciDevices)
        {
            a.AddRange(["-device", $"vfio-pci,host={Escape(bdf)}"]);
        }

        // q35's root bus takes no hot-plugged device: empty root ports do (block-attach), last so no device moves.
        if (machine.Value.Contains(MachineChooser.Q35, StringComparison.Ordinal))
        {
            for (int i = 0; i < HotplugPorts; i++)
            {
                a.AddRange(["-device", $"pcie-root-port,id={HotplugPort(i)},chassis={Invariant(i + 1)}"]);
            }
        }

        AddAgentChannel(a, launch.Paths, mmio);
        return a;
    }

    /// <summary>
    /// microvm (with ACPI for its power button), or q35/pc with what the config turned off (acpi = 0, hpet = 0) and, for
    /// bios = 'ovmf', the UEFI code and the VM's own variable store as its two flash chips.
    /// </summary>
    private static Result<string> MachineOption(QemuLaunchSpec launch, string machine, bool mmio)
    {
        VmSpec spec = launch.Spec;
        if (mmio)
        {
            return "microvm,acpi=on";
        }

        string option = Escape(machine) + (spec.Acpi ? "" : ",acpi=off") + (spec.Hpet ? "" : ",hpet=off");
        if (spec.Firmware == SpecRules.Ovmf)
        {
            if (launch.Paths.FirmwareVars is null)
            {
                return HospesError.Invalid($"{spec.Name} cannot start with bios = 'ovmf': the VM has no folder for its UEFI variable store");
            }

            option += $",pflash0={QemuNames.FirmwareCode},pflash1={QemuNames.FirmwareVars}";
        }

        return option;
    }

    /// <summary>The RTC base, the UEFI flash chips, the USB controller and its devices, the sound card.</summary>
    private static void AddPlatform(List<string> a, VmSpec spec, VmRuntimePaths paths)
    {
        if (spec.LocalTime)
        {
            a.AddRange(["-rtc", "base=localtime"]);
        }

        if (spec.Firmware == SpecRules.Ovmf && paths.FirmwareVars is { } vars)
        {
            a.AddRange(["-blockdev", Flash(QemuNames.FirmwareCode, OvmfFirmware.CodePath, readOnly: true)]);
            a.AddRange(["-blockdev", Flash(QemuNames.FirmwareVars, vars, readOnly: false)]);
        }

        if (spec.Usb)
        {
            a.AddRange(["-device", $"qemu-xhci,id={QemuNames.UsbController}"]);
            for (int i = 0; i < spec.UsbDevices.Count; i++)
            {
                a.AddRange(["-device", $"{Escape(spec.UsbDevices[i])},id=usb{i},bus={QemuNames.UsbController}.0"]);
            }
        }

        if (spec.SoundHw is { } card)
        {
            // The guest has its card; nothing on the host plays what it sends.
            a.AddRange(["-audiodev", $"none,id={QemuNames.AudioBackend}"]);
            switch (card)
            {
                case "hda":
                    a.AddRange(["-device", $"intel-hda,id={QemuNames.SoundCard}", "-device", $"hda-duplex,bus={QemuNames.SoundCard}.0,audiodev={QemuNames.AudioBackend}"]);
                    break;
                case "ac97":
                    a.AddRange(["-device", $"AC97,id={QemuNames.SoundCard},audiodev={QemuNames.AudioBackend}"]);
                    break;
                default:
                    a.AddRange(["-device", $"ES1370,id={QemuNames.SoundCard},audiodev={QemuNames.AudioBackend}"]);
                    break;
            }
        }
    }

    /// <summary>The graphics card, and its display as VNC on a unix socket (no TCP port, no password: hospesd decides who connects).</summary>
    private static void AddDisplay(List<string> a, VmSpec spec, VmRuntimePaths paths)
    {
        if (spec.Vga is not { } vga)
        {
            return;
        }

        a.AddRange(["-device", vga == "cirrus" ? $"cirrus-vga,id={QemuNames.VgaDevice}" : $"VGA,id={QemuNames.VgaDevice}"]);
        if (spec.Vnc && paths.VncSocket is { } socket)
        {
            a.AddRange(["-vnc", $"unix:{Escape(socket)}"]);
        }
    }

    /// <summary>
    /// The RAM file: shared (a forkable VM writes its memory into it), or a fork's private copy-on-write mapping of a file
    /// it may only read (QEMU opens it O_RDONLY; rom=off keeps the mapping writable for the guest).
    /// </summary>
    public static string RamObject(RamBacking ram, int mib) =>
        $"memory-backend-file,id={QemuNames.RamBackend},size={Invariant(mib)}M,mem-path={Escape(ram.Path)}," + (ram.Private ? "share=off,readonly=on,rom=off" : "share=on");

    private static string Flash(string node, string path, bool readOnly) =>
        new JsonObject { ["driver"] = "file", ["filename"] = path, ["node-name"] = node, ["read-only"] = readOnly }.ToJsonString();

    /// <summary>Host parameters, then the config's own; the serial console unless the config names a console itself.</summary>
    public static string KernelCmdline(VmSpec spec, string hostCmdline)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(hostCmdline))
        {
            parts.Add(hostCmdline.Trim());
        }

        if (!string.IsNullOrWhiteSpace(spec.KernelCmdline))
        {
            parts.Add(spec.KernelCmdline.Trim());
        }

        bool namesConsole = spec.KernelCmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(p => p.StartsWith("console=", StringComparison.Ordinal));
        if (!namesConsole)
        {
            parts.Add($"console={ConsoleDevice}");
        }

        return string.Join(' ', parts);
    }

    private static void AddDisks(List<string> a, VmSpec spec, bool mmio, bool q35)
    {
        int ide = 0;
        for (int i = 0; i < spec.Disks.Count; i++)
        {
            DiskSpec disk = spec.Disks[i];
            string node = QemuNames.DiskNode(i);
            bool hasMedium = disk.Target.Length > 0;
            if (hasMedium)
            {
                a.AddRange(["-blockdev", Blockdev(disk, node)]);
            }

            string drive = hasMedium ? $",drive={node}" : "";
            string id = $"id={Escape(QemuNames.DiskDevice(disk.Vdev))}";
            if (disk.DeviceType == DiskDeviceType.Cdrom)
            {
                a.AddRange(["-device", $"ide-cd,{id},bus=ide.{ide++}{drive}"]);
            }
            else if (spec.Boot == BootMode.Hvm && disk.Vdev.StartsWith("hd", StringComparison.Ordinal))
            {
                a.AddRange(["-device", $"ide-hd,{id},bus=ide.{ide++}{drive}"]);
            }
            else if (q35 && i > 0)
            {
                // Behind a root port of its own, so block-detach can unplug it while the guest runs (q35's root bus cannot).
                string port = "dp" + Invariant(i);
                a.AddRange(["-device", $"pcie-root-port,id={port},chassis={Invariant(DiskPortChassis + i)}"]);
                a.AddRange(["-device", $"virtio-blk-pci,{id}{drive},bus={port}"]);
            }
            else
            {
                a.AddRange(["-device", $"{(mmio ? "virtio-blk-device" : "virtio-blk-pci")},{id}{drive}"]);
            }
        }
    }

    private static string Blockdev(DiskSpec disk, string node)
    {
        bool device = disk.Target.StartsWith("/dev/", StringComparison.Ordinal);
        var file = new JsonObject
        {
            ["driver"] = device ? "host_device" : "file",
            ["filename"] = disk.Target,
            ["read-only"] = disk.ReadOnly,
        };
        if (!disk.ReadOnly)
        {
            file["discard"] = "unmap";
        }

        var format = new JsonObject
        {
            ["driver"] = disk.Format,
            ["file"] = file,
            ["node-name"] = node,
            ["read-only"] = disk.ReadOnly,
        };
        return format.ToJsonString();
    }

    private static void AddVifs(List<string> a, VmSpec spec, IReadOnlyList<string> backends, bool mmio)
    {
        for (int i = 0; i < spec.Vifs.Count; i++)
        {
            VifSpec vif = spec.Vifs[i];
            string backend = i < backends.Count ? backends[i] : "user";
            string netdev = QemuNames.Netdev(i);
            a.AddRange(["-netdev", $"{backend},id={netdev}"]);
            string model = vif.Model switch
            {
                "virtio-net" => mmio ? "virtio-net-device" : "virtio-net-pci",
                _ => Escape(vif.Model),
            };
            string mac = vif.Mac is null ? "" : $",mac={Escape(vif.Mac)}";
            a.AddRange(["-device", $"{model},netdev={netdev},id={QemuNames.VifDevice(i)}{mac}"]);
        }
    }

    /// <summary>
    /// The guest agent's virtio-serial port on a unix socket only hospesd connects to (QEMU makes it as root before it
    /// drops to the VM's uid). Last, so no PCI address or virtio-mmio slot of an older layout moves.
    /// </summary>
    private static void AddAgentChannel(List<string> a, VmRuntimePaths paths, bool mmio)
    {
        if (paths.AgentSocket is not { } socket)
        {
            return;
        }

        a.AddRange(["-chardev", $"socket,id={QemuNames.AgentChardev},path={Escape(socket)},server=on,wait=off"]);
        a.AddRange(["-device", (mmio ? "virtio-serial-device" : "virtio-serial-pci") + $",id={QemuNames.AgentSerial}"]);
        a.AddRange(["-device", $"virtserialport,bus={QemuNames.AgentSerial}.0,chardev={QemuNames.AgentChardev},name={QemuNames.AgentPort}"]);
    }

    /// <summary>kvm, or tcg with the translation cache size when the host sets one (QEMU's default reserves 1 GiB per VM).</summary>
    private static string Accel(QemuLaunchSpec launch) => launch.Accel switch
    {
        Accelerator.Kvm => "kvm",
        _ => "tcg" + (HotplugsVcpus(launch.Spec) ? ",thread=single" : "") + (launch.TcgTbSizeMib is { } mib ? $",tb-size={Invariant(mib)}" : ""),
    };

    /// <summary>
    /// Under TCG, a guest that may get vCPUs plugged (maxvcpus above vcpus) runs them round-robin on one host thread:
    /// QEMU 10's multi-threaded TCG aborts (tcg_region_initial_alloc) when a vCPU is plugged while the running ones hold
    /// every region of the code cache, which a booted guest soon does. Single-threaded TCG aborts on an unplug instead
    /// (qemu_thread_join of its own thread), so vcpu-set refuses that one there.
    /// </summary>
    public static bool HotplugsVcpus(VmSpec spec) => spec.MaxVcpus > spec.Vcpus;

    /// <summary>
    /// QEMU's syscall filter. elevateprivileges must allow set*id when QEMU drops to its own uid itself (-run-with runs
    /// after the filter is in place; "deny" kills QEMU at that call). Once dropped, QEMU has no capabilities left, so no
    /// set*id call can take it back to root, and exec (spawn=deny) and setuid binaries (no_new_privs) stay closed.
    /// </summary>
    private static string Sandbox(QemuUser? runAs) =>
        $"on,obsolete=deny,elevateprivileges={(runAs is null ? "deny" : "allow")},spawn=deny,resourcecontrol=deny";

    private static string Escape(string value) => QemuOption.Escape(value);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
