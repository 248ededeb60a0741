namespace Hospes.Contracts;

/// <summary>`hospes sysrq NAME KEY`: the magic SysRq key the guest's kernel gets (h, s, u, b, c, t, w, ...).</summary>
public sealed record SysrqRequest
{
    public required string Key { get; init; }
}

/// <summary>`hospes trigger NAME WHAT`: nmi, reset, power, init or s3resume, as xl's trigger.</summary>
public sealed record TriggerRequest
{
    public required string Trigger { get; init; }
}

/// <summary>`hospes dump-core NAME FILE`: the guest's memory as an ELF core, written to a file on the daemon's host.</summary>
public sealed record DumpCoreRequest
{
    /// <summary>Absolute path of the core file on the daemon's host; it must not exist yet.</summary>
    public required string Path { get; init; }
}

/// <summary>`hospes rename NAME NEW` (xl rename): the VM's new name, running or not.</summary>
public sealed record RenameRequest
{
    public required string Name { get; init; }
}

/// <summary>`hospes cd-insert NAME VDEV FILE`: the medium put into a CD-ROM drive.</summary>
public sealed record CdInsertRequest
{
    /// <summary>Absolute path of the image (an ISO) on the daemon's host.</summary>
    public required string Path { get; init; }
}
