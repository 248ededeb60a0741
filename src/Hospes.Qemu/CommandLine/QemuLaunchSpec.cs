using Hospes.Core.Vms;

namespace Hospes.Qemu.CommandLine;

/// <summary>Everything needed to build one QEMU command line.</summary>
public sealed record QemuLaunchSpec
{
    /// <summary>The VM with every path resolved (no "image:" references left).</summary>
    public required VmSpec Spec { get; init; }
    public required VmRuntimePaths Paths { get; init; }

    /// <summary>Kvm or Tcg: the host's decision for "auto" already applied.</summary>
    public required Accelerator Accel { get; init; }

    /// <summary>Kernel parameters the host adds in front of the config's own (an image's defaults, the guest's name).</summary>
    public string HostCmdline { get; init; } = "";

    /// <summary>
    /// The -netdev backend of each vif, in order ("user", "tap,ifname=...,script=no,downscript=no");
    /// empty means QEMU's user-mode networking for every vif.
    /// </summary>
    public IReadOnlyList<string> NetdevBackends { get; init; } = [];

    /// <summary>The host's TSC rate in kHz, if known: microvm guests under TCG get it as tsc_early_khz (see HostTsc).</summary>
    public long? HostTscKhz { get; init; }

    /// <summary>TCG's translation cache in MiB (-accel tcg,tb-size=); null leaves QEMU's default.</summary>
    public int? TcgTbSizeMib { get; init; }

    /// <summary>The unprivileged uid:gid QEMU runs the guest as; null leaves QEMU as root (hospesd gives none yet: a uid per VM is not done).</summary>
    public QemuUser? RunAs { get; init; }

    /// <summary>
    /// Files QEMU hands to the guest through fw_cfg, by name ("opt/org.hospes/..."), e.g. the SSH host key hospesd made
    /// for it. Read by QEMU at its start: the path never reaches the command line of another process.
    /// </summary>
    public IReadOnlyList<(string Name, string Path)> FwCfgFiles { get; init; } = [];

    /// <summary>The guest's RAM as a file (a forkable VM's own, or a fork's); null: anonymous memory.</summary>
    public RamBacking? Ram { get; init; }

    /// <summary>Start waiting for a restore or an incoming migration instead of booting.</summary>
    public bool Incoming { get; init; }

    /// <summary>
    /// A QEMU that continues a fork (its guest's RAM is a fork point's file, mapped privately) of a microvm guest booted
    /// from a kernel: it gets no -kernel, -initrd or -append. QEMU reads the kernel into a buffer of its own for fw_cfg
    /// (the tiny image's 13.5 MiB, a third of a fork's memory) that only a reset would use; a fork that reboots is
    /// started again instead, with its kernel (-action reboot=shutdown, whatever on_reboot says; hospesd applies it).
    /// Microvm only: on pc and q35 the kernel brings its option ROM as a RAM block the fork point's state names.
    /// </summary>
    public bool ContinuesForkWithoutKernel(bool microvm) => microvm && Incoming && Ram is { Private: true } && Spec.Kernel is not null;
}
