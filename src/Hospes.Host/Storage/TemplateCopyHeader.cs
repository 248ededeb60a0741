using Hospes.Core.Vms;

namespace Hospes.Host.Storage;

/// <summary>
/// A template as one member sends it to another for clones placed there (issue 17): its record, and its files in the
/// order they follow this header (one JSON line) in the body; a file under a `cluster.shared_dirs` directory is not
/// sent (every host reaches it at the same path).
/// </summary>
internal sealed record TemplateCopyHeader
{
    public required string Name { get; init; }
    public required string Project { get; init; }
    public required VmSpec Spec { get; init; }
    public string? SourceVm { get; init; }
    public string? ReadyMarker { get; init; }

    /// <summary>The host it comes from.</summary>
    public required string Origin { get; init; }

    /// <summary>The host whose template it is (Origin, or the home of Origin's own copy), and when it was made there: the copy's identity.</summary>
    public string? Home { get; init; }
    public DateTimeOffset HomeCreatedAt { get; init; }
    public IReadOnlyList<TemplateCopyFile> Files { get; init; } = [];
}

/// <summary>One disk of a template on the wire: its path on the sending host (the spec names it), size and sha256.</summary>
internal sealed record TemplateCopyFile
{
    public required string Vdev { get; init; }
    public required string Target { get; init; }
    public required long Size { get; init; }
    public required string Sha256 { get; init; }
    public long VirtualSize { get; init; }

    /// <summary>Under a shared directory: not sent, used where it is.</summary>
    public bool Shared { get; init; }
}

/// <summary>A template's copy ready to go: the header, the files in order, and a folder of flattened overlays to delete afterwards.</summary>
internal sealed record TemplateCopyPlan(TemplateCopyHeader Header, IReadOnlyList<string> Paths, string? Scratch);
