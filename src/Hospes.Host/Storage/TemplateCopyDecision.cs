namespace Hospes.Host.Storage;

/// <summary>What a member does with a template another member sends (or would send) for clones placed there.</summary>
internal enum TemplateCopyAction
{
    /// <summary>None of that name here: copy it.</summary>
    Copy,

    /// <summary>The same disks (sha256) here: use them, send nothing.</summary>
    Use,

    /// <summary>A stale copy of the same home's template no linked clone stands on: delete it and copy the new one.</summary>
    Replace,

    /// <summary>A stale copy that linked clones stand on: refused (a clone's base never changes under it).</summary>
    RefuseStale,

    /// <summary>A template of that name that is not a copy of the same home's: refused (not ours to replace).</summary>
    RefuseForeign,
}

/// <summary>A template of that name on the receiving member: its disks' sha256 (sorted), its copy record, its linked clones.</summary>
internal sealed record TemplateCopyState(IReadOnlyList<string> Checksums, string? CopiedFrom, IReadOnlyList<string> Clones);

/// <summary>
/// The one rule for a template's copy to another member (issue 17), used by the sender before it sends and by the
/// receiver again under its store lock: same disks → use; a copy of the same home's template with other disks (the
/// template was changed or made again there) → replaced when no linked clone stands on it, else refused naming the
/// clones; another template of that name → refused. A stale copy is never used.
/// </summary>
internal static class TemplateCopyDecision
{
    public static (TemplateCopyAction Action, string? Message) Decide(TemplateCopyState? here, IReadOnlyList<string> checksums, string home, string sender, string hereHost, string name)
    {
        ArgumentNullException.ThrowIfNull(checksums);
        if (here is null)
        {
            return (TemplateCopyAction.Copy, null);
        }

        if (here.Checksums.SequenceEqual([.. checksums.Order(StringComparer.Ordinal)], StringComparer.Ordinal))
        {
            return (TemplateCopyAction.Use, null);
        }

        if (here.CopiedFrom != home)
        {
            return (TemplateCopyAction.RefuseForeign, $"host '{hereHost}' has a template named '{name}' of its own (not a copy of host '{home}''s) whose disks differ from host '{sender}''s, so clones of it cannot be placed there; delete or rename one of the two (`hospes template delete {name}` on one host), or pin the clones with --host {sender}");
        }

        if (here.Clones.Count == 0)
        {
            return (TemplateCopyAction.Replace, null);
        }

        return (TemplateCopyAction.RefuseStale, $"host '{hereHost}' has an older copy of template '{name}' (host '{home}''s template was changed or made again since), and it is not used: {here.Clones.Count} linked clone(s) there stand on that copy ({string.Join(", ", here.Clones)}) and a linked clone's base never changes under it; delete those clones on host '{hereHost}' (the next run then copies the new template), or pin the clones with --host {sender}");
    }
}
