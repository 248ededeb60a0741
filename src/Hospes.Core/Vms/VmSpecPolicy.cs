namespace Hospes.Core.Vms;

/// <summary>
/// What a VM spec from one source may use of this host. Root's own config files may use everything
/// (<see cref="Anything"/>); a spec from another host or a save file may use store images, the disks this host makes
/// for it and Hospes networks, and host paths, host bridges and PCI devices only as far as the host's settings allow.
/// The host builds it; <see cref="VmSpecValidator"/> applies it.
/// </summary>
public sealed record VmSpecPolicy
{
    /// <summary>Who gave the spec, for messages: "the offer from host-a", "save file /srv/web.save".</summary>
    public required string Origin { get; init; }

    /// <summary>Folders (and devices) of this host that disks, kernels and ramdisks may be in; null: anywhere.</summary>
    public IReadOnlyList<string>? PathRoots { get; init; }

    /// <summary>Host bridges a vif may join besides Hospes networks; null: any.</summary>
    public IReadOnlyCollection<string>? HostBridges { get; init; }

    /// <summary>PCI devices (DDDD:BB:DD.F) the guest may be given; null: any.</summary>
    public IReadOnlyCollection<string>? PciDevices { get; init; }

    /// <summary>This host's Hospes networks, by name and by bridge: a vif may always join them.</summary>
    public IReadOnlyCollection<string> Networks { get; init; } = [];

    /// <summary>
    /// Disks (by vdev) whose file this host makes itself, such as a migration's mirrored and inline disks: their target
    /// names a file on the other host and is not checked here.
    /// </summary>
    public IReadOnlyCollection<string> HostMadeDisks { get; init; } = [];

    /// <summary>
    /// The store's images and disks (image:NAME) the spec may name; null: any. A user who is not an admin may use only
    /// those they hold Datastore.Use on.
    /// </summary>
    public IReadOnlyCollection<string>? StoreNames { get; init; }

    /// <summary>
    /// Whether the spec may tune the host's side: the accelerator (accel=) and pinning to host CPUs (cpus=). Root's
    /// configs and other hosts' offers may; a user who is not an admin may not.
    /// </summary>
    public bool HostTuning { get; init; } = true;

    /// <summary>Whether the spec may name host paths at all (within <see cref="PathRoots"/>); false: only image:NAME.</summary>
    public bool HostPaths { get; init; } = true;

    /// <summary>Resolves links and tells devices from files; null takes paths as written (no look-up).</summary>
    public IHostPaths? Paths { get; init; }

    /// <summary>How an administrator allows more, each named in the refusal it fixes.</summary>
    public string AllowPaths { get; init; } = "name its folder in migration.allow_paths (hospesd.conf)";

    public string AllowBridges { get; init; } = "name it in migration.allow_bridges (hospesd.conf)";

    public string AllowPci { get; init; } = "name it in migration.allow_pci (hospesd.conf)";

    public string AllowDevices { get; init; } = "name it (or its folder in /dev) in migration.allow_paths (hospesd.conf)";

    public string AllowStore { get; init; } = "ask an admin for Datastore.Use on it";

    public string AllowTuning { get; init; } = "leave it out, or ask an admin to create the VM";

    /// <summary>True when nothing of the host is restricted (the local config file of root).</summary>
    public bool AllowsEverything => PathRoots is null && HostBridges is null && PciDevices is null && StoreNames is null && HostTuning && HostPaths;

    /// <summary>Everything allowed: what root's own config files may use.</summary>
    public static VmSpecPolicy Anything(string origin) => new() { Origin = origin };
}
