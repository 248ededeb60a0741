namespace Hospes.Contracts;

/// <summary>One disk of a VM, as `hospes block-list` shows it.</summary>
public sealed record BlockInfo
{
    /// <summary>The guest's name for it (xvdb).</summary>
    public required string Vdev { get; init; }

    /// <summary>The image file or device on the host.</summary>
    public required string Target { get; init; }
    public required string Format { get; init; }

    /// <summary>"w" or "r", as xl writes it.</summary>
    public required string Mode { get; init; }

    /// <summary>"disk" or "cdrom".</summary>
    public required string Type { get; init; }

    /// <summary>The spec as it was given (config entry or block-attach argument), if known.</summary>
    public string? Spec { get; init; }
}

/// <summary>`hospes block-attach NAME SPEC`: a disk in xl's syntax ('file:/srv/data.img,xvdb,w', 'image:NAME,xvdb,w').</summary>
public sealed record BlockAttachRequest
{
    public required string Spec { get; init; }

    /// <summary>What a relative path in the spec is relative to (the CLI sends its working directory).</summary>
    public string? BaseDirectory { get; init; }
}
