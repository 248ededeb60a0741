namespace Hospes.Host.State;

/// <summary>What a volume in the store is for; it decides who may write it and who deletes it.</summary>
internal enum VolumeKind
{
    /// <summary>An imported or built base image: read-only, VMs and templates get overlays on it.</summary>
    Image,

    /// <summary>One disk of a template: read-only, clones get overlays on it (or full copies).</summary>
    Template,

    /// <summary>A standalone disk (`hospes disk create`): writable, attached to at most one VM.</summary>
    Disk,

    /// <summary>A disk a VM owns (an overlay or a copy in its folder): deleted with the VM.</summary>
    VmDisk,

    /// <summary>A writable disk's state at a fork point (issue 16): read-only, the parent and each fork run on an overlay of it; it goes with the last.</summary>
    ForkBase,
}
