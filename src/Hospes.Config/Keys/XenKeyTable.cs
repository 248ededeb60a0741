namespace Hospes.Config.Keys;

/// <summary>
/// Every key of xl.cfg(5) and xmdomain.cfg(5) (with xm's create.py keys) and Hospes's own, with what it becomes under
/// QEMU. The one place that decides a key's meaning: the reader's key groups read exactly the honoured keys (checked
/// at every read), <see cref="Reading.TableKeys"/> handles the rest, and docs/xen-compatibility.md is rendered from it.
/// </summary>
internal static class XenKeyTable
{
    private const string Xl = "xl";
    private const string Xm = "xm";
    private const string Both = "xl, xm";
    private const string Hospes = "hospes";

    private const string NoXenStore = "XenStore and Xen's PV device channels do not exist under QEMU";
    private const string NoGrants = "grant tables are Xen's shared-memory mechanism; virtio needs none";
    private const string Arm = "ARM guests are not supported here (Hospes runs x86 guests); the setting has no effect";
    private const string OwnQemu = "Hospes runs and configures its own QEMU";
    private const string VfioDoes = "VFIO handles passthrough devices itself";
    private const string DisplayOff = "only matters with a SPICE or local display; Hospes serves an HVM guest's display by VNC through hospesd (hospes vnc)";
    private const string VncSocket = "the VNC display is a unix socket hospesd owns, never a TCP port: `hospes vnc NAME` (or the web UI) reaches it";
    private const string KernelIp = "xm built the kernel's ip= parameter from it; Hospes does not: write ip=... in extra if the guest needs it";

    public static IReadOnlyList<XenKey> All { get; } =
    [
        // Identity, CPUs and memory.
        H("name", Both, "the VM's name (-name guest=NAME)"),
        H("uuid", Both, "-uuid"),
        M("description", Xm, "xm list showed it; Hospes keeps it in the config file only"),
        H("vcpus", Both, "-smp N (the vCPUs online at boot)"),
        H("maxvcpus", Xl, "-smp maxcpus=M (vCPUs that can be hot-plugged)"),
        H("cpus", Both, "vCPU pinning to host CPUs (sched_setaffinity of each vCPU thread)"),
        M("cpus_soft", Xl, "soft affinity is a preference for Xen's scheduler; Linux places vCPU threads itself"),
        I("cpu", Xm, "the first vCPU is not pinned to this CPU; write cpus = 'N' to pin"),
        H("vcpu_avail", Xm, "-smp N,maxcpus=M: the guest boots with the available vCPUs online (N = the bits set), the rest can be brought online"),
        H("cpu_weight", Both, "the QEMU's CPU cgroup weight (cpu.weight, or cpu.shares on cgroup v1; 256 = the default share); `hospes sched-credit -w`"),
        H("cap", Xl, "the QEMU's CPU cgroup quota: % of one host CPU (cpu.max, or cpu.cfs_quota_us on cgroup v1); `hospes sched-credit -c`"),
        H("cpu_cap", Xm, "as cap"),
        H("memory", Both, "the guest's memory (balloon target at boot)"),
        H("maxmem", Both, "-m MAXMEM (the guest boots with maxmem and is ballooned down to memory)"),
        M("target", Xm, "xm's initial balloon target; memory sets it"),
        M("pool", Both, "CPU pools are Xen's scheduler partitions; use cpus= to place a guest"),
        I("vnuma", Xl, "the guest sees a single NUMA node, not this virtual NUMA layout"),
        M("claim_mode", Xl, "Xen's memory claim; Linux allocates guest memory on demand"),
        M("memory_sharing", Xm, "Xen's page sharing; the host kernel's KSM does this for every guest"),
        M("superpages", Xm, "Xen's superpage allocation; the host kernel uses transparent huge pages"),

        // Guest type and boot.
        H("type", Xl, "pv and pvh: direct kernel boot with virtio devices (microvm); hvm: firmware boot (q35)"),
        H("builder", Both, "as type (linux/generic = pv, hvm = hvm)"),
        H("pvh", Xl, "pvh = 1 is type = 'pvh'"),
        H("kernel", Both, "-kernel (direct kernel boot); Xen's hvmloader (HVM) is firmware and is ignored: the guest gets SeaBIOS; Xen's PV-GRUB (pv-grub.gz) is read as bootloader = 'pygrub'"),
        H("ramdisk", Both, "-initrd"),
        H("cmdline", Xl, "-append (Xen disk names in root=, resume=... are rewritten to the virtio disks, with a warning)"),
        H("root", Both, "root= on the kernel command line (Xen disk names rewritten, with a warning)"),
        H("extra", Both, "appended to the kernel command line (Xen disk names rewritten, with a warning)"),
        H("bootloader", Both, "pygrub: Hospes reads the GRUB menu in the guest's disk itself and boots that kernel"),
        M("bootloader_args", Xl, "Hospes does pygrub's job itself and takes no pygrub arguments"),
        M("bootloader_restrict", Xl, "no bootloader process runs: Hospes reads the GRUB menu itself"),
        M("bootloader_user", Xl, "no bootloader process runs: Hospes reads the GRUB menu itself"),
        M("bootargs", Xm, "arguments for xm's bootloader; Hospes reads the GRUB menu itself"),
        M("bootentry", Xm, "xm's bootloader entry; Hospes reads the GRUB menu itself"),
        H("boot", Both, "-boot order= (c disk, d cdrom, n network) for HVM guests"),
        H("firmware", Xl, "as bios (bios/seabios: SeaBIOS; uefi/ovmf: OVMF)"),
        H("bios", Xl, "seabios (the default): SeaBIOS; ovmf: OVMF (UEFI) from Debian's ovmf package, with the VM's own copy of the UEFI variables"),
        I("bios_path_override", Xl, "this firmware file is not used; the guest gets SeaBIOS, or OVMF with bios = 'ovmf'"),
        M("loader", Xm, "xm's firmware loader path; Hospes chooses the firmware"),
        M("device_model", Xm, OwnQemu),
        M("pvshim", Xl, "the PV shim runs PV guests inside a PVH container under Xen; Hospes boots them directly"),
        M("pvshim_path", Xl, "the PV shim runs PV guests inside a PVH container under Xen; Hospes boots them directly"),
        M("pvshim_cmdline", Xl, "the PV shim runs PV guests inside a PVH container under Xen; Hospes boots them directly"),
        M("pvshim_extra", Xl, "the PV shim runs PV guests inside a PVH container under Xen; Hospes boots them directly"),
        I("nfs_server", Xm, KernelIp),
        I("nfs_root", Xm, "xm put nfsroot= on the kernel command line from it; Hospes does not: write nfsroot=SERVER:PATH in extra"),
        I("ip", Xm, KernelIp),
        I("netmask", Xm, KernelIp),
        I("gateway", Xm, KernelIp),
        I("hostname", Xm, KernelIp),
        I("interface", Xm, KernelIp),
        I("dhcp", Xm, KernelIp),

        // Lifecycle.
        H("on_poweroff", Both, "what hospesd does when the guest powers off"),
        H("on_shutdown", Xm, "as on_poweroff (xmdomain.cfg(5)'s name for it)"),
        H("on_reboot", Both, "-action reboot= and what hospesd does on a reboot"),
        H("on_crash", Both, "-action panic=pause (pvpanic) and what hospesd does on a crash"),
        I("on_watchdog", Xl, "the guest has no watchdog device, so no watchdog action is taken"),
        I("on_soft_reset", Xl, "a soft reset (kexec into a new kernel, kdump) is not handled as Xen does"),
        M("on_xend_start", Xm, "xend no longer exists; start guests at boot with hospes autostart"),
        M("on_xend_stop", Xm, "xend no longer exists; hospesd shuts guests down with the host"),
        I("restart", Xm, "xm's old restart policy is not read; write on_reboot = 'restart' or 'destroy'"),

        // Devices.
        H("cdrom", Xm, "the install medium as drive hdc (ide-cd), booted first with boot = 'd'"),
        H("disk", Both, "-blockdev and virtio-blk (PV, PVH, HVM xvd/sd), ide-hd (HVM hd), ide-cd (cdrom)"),
        H("vif", Both, "-netdev tap on a Hospes network or host bridge, and the NIC model (virtio-net, e1000, e1000e, rtl8139, ne2k_pci, pcnet; an HVM guest's NIC without model is Xen's emulated rtl8139)"),
        M("nics", Xm, "xm's old count of NICs; the vif list gives the NICs"),
        I("vif2", Xm, "netchannel2 interfaces are not created; use vif"),
        H("pci", Both, "vfio-pci passthrough of each device"),
        M("pci_permissive", Xl, VfioDoes),
        M("pci_msitranslate", Both, VfioDoes),
        M("pci_seize", Xl, VfioDoes),
        M("pci_power_mgmt", Both, VfioDoes),
        M("rdm", Xl, "reserved device memory for passthrough is handled by VFIO and the IOMMU"),
        M("rdm_mem_boundary", Xl, "reserved device memory for passthrough is handled by VFIO and the IOMMU"),
        M("e820_host", Xl, "the host memory map for PV passthrough is Xen's; QEMU builds the guest's own"),
        I("gfx_passthru", Both, "the guest gets no passed-through primary graphics card; pass a GPU with pci= as a secondary device"),
        I("ioports", Both, "host I/O ports cannot be given to a guest here; pass whole devices with pci="),
        I("iomem", Xl, "host memory ranges cannot be given to a guest here; pass whole devices with pci="),
        I("irqs", Xl, "host interrupts cannot be given to a guest here; pass whole devices with pci="),
        I("irq", Xm, "host interrupts cannot be given to a guest here; pass whole devices with pci="),
        I("vtpm", Xl, "the guest gets no TPM"),
        I("tpmif", Xm, "the guest gets no TPM"),
        I("p9", Xl, "these 9pfs shares are not exported to the guest"),
        I("pvcalls", Xl, "the guest gets no PV calls (socket) backend"),
        I("channel", Xl, "the guest gets no channel device (e.g. no guest-agent port)"),
        I("usbctrl", Xl, "the guest gets no USB controller for passthrough"),
        I("usbdev", Xl, "the host's USB devices are not passed to the guest"),
        I("vusb", Xm, "the host's USB devices are not passed to the guest"),
        I("vscsi", Both, "the host's SCSI devices are not passed to the guest"),
        I("vdispl", Xl, "the guest gets no PV display"),
        I("vsnd", Xl, "the guest gets no PV sound card"),
        I("vkb", Xl, "the guest gets no PV keyboard"),
        I("virtio", Xl, "these virtio-mmio devices are not added"),
        M("dtdev", Xl, Arm),
        M("max_event_channels", Xl, "event channels are Xen's; virtio uses interrupts"),
        M("max_grant_frames", Xl, NoGrants),
        M("max_maptrack_frames", Xl, NoGrants),
        M("max_grant_version", Xl, NoGrants),
        M("blkif", Xm, NoXenStore),
        M("netif", Xm, NoXenStore),
        M("xenstore_feature_mask", Xl, NoXenStore),
        M("xenstore_quota", Xl, NoXenStore),
        M("driver_domain", Xl, "driver domains are Xen's; the host runs every backend"),
        M("passthrough", Xl, "Xen's IOMMU page-table mode; VFIO sets up the IOMMU itself"),
        I("fda", Xm, "the guest gets no floppy drive"),
        I("fdb", Xm, "the guest gets no floppy drive"),
        I("parallel", Xm, "the guest gets no parallel port"),
        I("monitor", Xm, "QEMU's human monitor is not exposed; hospesd owns the QMP monitor"),
        I("monitor_path", Xm, "QEMU's human monitor is not exposed; hospesd owns the QMP monitor"),

        // Platform, firmware and time (HVM).
        M("pae", Both, "every QEMU x86 CPU has PAE"),
        H("acpi", Both, "acpi = 0: -machine acpi=off (HVM guests)"),
        I("acpi_s3", Xl, "the guest's S3 (suspend to RAM) state is QEMU's default"),
        I("acpi_s4", Xl, "the guest's S4 (suspend to disk) state is QEMU's default"),
        I("acpi_laptop_slate", Xl, "the guest gets no laptop/slate switch"),
        I("acpi_firmware", Xl, "these extra ACPI tables are not given to the guest"),
        I("smbios_firmware", Xl, "these SMBIOS tables are not given to the guest"),
        I("smbios", Xl, "the guest sees QEMU's SMBIOS strings, not these"),
        H("apic", Both, "apic = 0: -cpu ...,-apic (HVM guests with one vCPU)"),
        M("nx", Xl, "the guest's CPU model (-cpu host or max) has NX"),
        H("hpet", Both, "hpet = 0: -machine hpet=off (HVM guests)"),
        M("hap", Both, "KVM uses hardware-assisted paging whenever the CPU has it"),
        M("oos", Both, "Xen's shadow-paging tuning; KVM does its own"),
        M("shadow_memory", Both, "Xen's shadow page-table memory; KVM sizes its own"),
        M("nestedhvm", Both, "under KVM, -cpu host passes the host's VMX/SVM if the host allows nesting"),
        I("altp2m", Xl, "alternate guest memory views (for introspection) are not available"),
        I("altp2mhvm", Xl, "alternate guest memory views (for introspection) are not available"),
        I("altp2m_count", Xl, "alternate guest memory views (for introspection) are not available"),
        I("cpuid", Both, "the guest's CPUID is QEMU's -cpu host (KVM) or max (TCG), not this policy"),
        I("cpuid_check", Xm, "the guest's CPUID is QEMU's -cpu host (KVM) or max (TCG), not this policy"),
        I("ms_vm_genid", Xl, "the guest gets no VM generation ID"),
        M("tsc_mode", Both, "KVM keeps the guest's TSC stable itself"),
        H("localtime", Both, "localtime = 1: -rtc base=localtime"),
        I("rtc_timeoffset", Both, "the guest's clock (RTC) starts at the host's time without this offset"),
        M("vpt_align", Both, "Xen's virtual timer alignment; KVM's timers need none"),
        M("timer_mode", Both, "Xen's missed-tick policy; KVM's timers need none"),
        M("mmio_hole", Xl, "QEMU's machine lays out guest memory itself"),
        M("xen_platform_pci", Both, "the Xen platform device lets HVM guests use Xen's PV drivers; under QEMU their devices are emulated or virtio"),
        M("xen_platform_pci_bar_uc", Xl, "the Xen platform device does not exist under QEMU"),
        M("hvm_pirq", Xl, "Xen's PV interrupt routing for HVM guests; QEMU routes interrupts itself"),
        I("viridian", Both, "the guest gets no Hyper-V enlightenments (Windows guests run without them, more slowly)"),
        M("vendor_device", Xl, "the XenServer PV device only matters to Xen's Windows drivers"),
        I("vpmu", Xl, "the guest's performance counters follow QEMU's CPU model, not this setting"),
        M("vmtrace_buf_kb", Xl, "Xen's processor trace buffers for introspection tools"),
        M("features", Xm, "Xen PV guest feature flags; QEMU guests use virtio"),
        M("machine_address_size", Xm, "Xen PV guests' machine address width; QEMU guests see guest-physical memory"),
        M("suppress_spurious_page_faults", Xm, "a Xen PV workaround; QEMU guests have no such faults"),
        M("s3_integrity", Xm, "Intel TXT integrity over S3 under Xen"),
        M("vhpt", Xm, "an ia64 setting"),
        M("guest_os_type", Xm, "an ia64 setting"),
        I("isa", Xm, "the guest gets a PCI machine, not an ISA-only one"),

        // Display, input, sound, serial and USB.
        H("vnc", Both, "HVM guests (default 1, as xl): -vnc on a unix socket in the run dir, reached through hospesd with `hospes vnc NAME`; PV guests get a warning (no framebuffer)"),
        M("vnclisten", Both, VncSocket),
        M("vncdisplay", Both, VncSocket),
        M("vncunused", Both, VncSocket),
        M("vncpasswd", Both, "no VNC password: who may open the display is decided by hospesd's own access control (VM.Console on the VM)"),
        M("vncconsole", Xm, "xm started a viewer itself; run `hospes vnc NAME`"),
        M("vncviewer", Xm, "xm started a viewer itself; run `hospes vnc NAME`"),
        M("keymap", Both, DisplayOff),
        M("videoram", Both, DisplayOff),
        M("opengl", Xm, DisplayOff),
        M("display", Xm, DisplayOff),
        M("xauthority", Xm, DisplayOff),
        H("sdl", Both, "no window opens on the host: the HVM guest's display is served by VNC as for vnc = 1 (`hospes vnc NAME`)"),
        M("nographic", Both, "QEMU runs without a window anyway; an HVM guest's display is served by VNC through hospesd"),
        H("vfb", Both, "an entry with vnc=1, sdl=1 or type=vnc/sdl gives an HVM guest its VNC display (`hospes vnc NAME`); PV guests get a warning (no framebuffer)"),
        H("vga", Xl, "HVM guests: stdvga (the default here) -device VGA, cirrus -device cirrus-vga, none: no card; qxl gets the standard VGA with a warning"),
        H("stdvga", Both, "stdvga = 1: -device VGA (the default here anyway; stdvga = 0 gets a note, vga = 'cirrus' asks for Xen's old card)"),
        I("spice", Xl, "the guest gets no SPICE console; use hospes console"),
        M("spicehost", Xl, DisplayOff),
        M("spiceport", Xl, DisplayOff),
        M("spicetls_port", Xl, DisplayOff),
        M("spicedisable_ticketing", Xl, DisplayOff),
        M("spicepasswd", Xl, DisplayOff),
        M("spiceagent_mouse", Xl, DisplayOff),
        M("spicevdagent", Xl, DisplayOff),
        M("spice_clipboard_sharing", Xl, DisplayOff),
        M("spiceusbredirection", Xl, DisplayOff),
        M("spice_image_compression", Xl, DisplayOff),
        M("spice_streaming_video", Xl, DisplayOff),
        H("serial", Both, "the first serial port is the guest's console (hospes console); 'pty' and 'none' need nothing"),
        H("soundhw", Both, "hda (intel-hda + hda-duplex), ac97 (AC97) or es1370 (ES1370), on a silent audio back-end"),
        M("vkb_device", Xl, "the PV keyboard only matters with a graphical console"),
        H("usb", Both, "usb = 1: -device qemu-xhci (HVM guests)"),
        M("usbversion", Xl, "the qemu-xhci controller serves USB 1, 2 and 3 devices alike"),
        H("usbdevice", Both, "tablet, mouse, keyboard: usb-tablet, usb-mouse, usb-kbd on the USB controller"),

        // Device model and security.
        M("device_model_version", Xl, OwnQemu),
        M("device_model_override", Xl, OwnQemu),
        M("device_model_user", Xl, OwnQemu),
        M("device_model_stubdomain_override", Xl, "Hospes runs QEMU sandboxed on the host; there are no stub domains"),
        M("device_model_stubdomain_seclabel", Xl, "Hospes runs QEMU sandboxed on the host; there are no stub domains"),
        M("stubdomain_kernel", Xl, "Hospes runs QEMU sandboxed on the host; there are no stub domains"),
        M("stubdomain_cmdline", Xl, "Hospes runs QEMU sandboxed on the host; there are no stub domains"),
        M("stubdomain_ramdisk", Xl, "Hospes runs QEMU sandboxed on the host; there are no stub domains"),
        M("stubdomain_memory", Xl, "Hospes runs QEMU sandboxed on the host; there are no stub domains"),
        M("dm_restrict", Xl, "Hospes always runs QEMU under its -sandbox syscall filter"),
        I("device_model_args", Xl, "these extra QEMU arguments are not passed (they were written for Xen's qemu)"),
        I("device_model_args_pv", Xl, "these extra QEMU arguments are not passed (they were written for Xen's qemu)"),
        I("device_model_args_hvm", Xl, "these extra QEMU arguments are not passed (they were written for Xen's qemu)"),
        M("extra_hvm", Xl, "xl's internal name for device_model_args_hvm"),
        M("seclabel", Both, "XSM/FLASK labels are Xen's; Hospes confines QEMU with its own sandbox"),
        M("init_seclabel", Xl, "XSM/FLASK labels are Xen's; Hospes confines QEMU with its own sandbox"),
        M("selinux", Xm, "XSM/FLASK labels are Xen's; Hospes confines QEMU with its own sandbox"),
        M("access_control", Xm, "XSM/ACM policy labels are Xen's; Hospes confines QEMU with its own sandbox"),
        M("security", Xm, "XSM/ACM policy labels are Xen's; Hospes confines QEMU with its own sandbox"),
        I("nomigrate", Both, "hospes migrate does not refuse this guest"),
        M("xend_suspend_evtchn_compat", Xl, "a compatibility switch for xend's suspend channel"),
        M("tee", Xl, Arm),
        M("device_tree", Xl, Arm),
        M("gic_version", Xl, Arm),
        M("vuart", Xl, Arm),
        M("sve", Xl, Arm),
        M("llc_colors", Xl, Arm),
        M("nr_spis", Xl, Arm),
        M("trap_unmapped_accesses", Xl, Arm),
        M("arm_sci", Xl, Arm),
        M("mca_caps", Xl, "Xen's machine-check capabilities for the guest; KVM gives its own"),
        M("msr_relaxed", Xl, "Xen's MSR access policy; KVM has its own"),
        M("hdtype", Xl, "HVM disks named hd* are IDE/AHCI disks on q35's AHCI controller already"),

        // Hospes's own keys.
        H("accel", Hospes, "-accel kvm or tcg (auto chooses)"),
        H("machine", Hospes, "-machine microvm, q35 or pc"),
        H("forkable", Hospes, "forkable = 1: the RAM is a shared file on tmpfs (-object memory-backend-file,share=on), so `hospes fork` can start copies that map it copy-on-write"),
    ];

    private static readonly Dictionary<string, XenKey> ByName = All.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public static XenKey? Find(string name) => ByName.GetValueOrDefault(name);

    public static IEnumerable<XenKey> Of(XenKeyClass keyClass) => All.Where(k => k.Class == keyClass);

    private static XenKey H(string name, string origin, string effect) => new(name, XenKeyClass.Honoured, effect, origin);

    private static XenKey M(string name, string origin, string why) => new(name, XenKeyClass.Meaningless, why, origin);

    private static XenKey I(string name, string origin, string lacks) => new(name, XenKeyClass.Impossible, lacks, origin);
}
