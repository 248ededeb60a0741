namespace Hospes.Host.Storage;

/// <summary>What a clone run asked of a member that holds only a copy of the template does, after asking its home.</summary>
internal enum CopyFreshness
{
    /// <summary>The home has the same disks: the copy is used.</summary>
    Current,

    /// <summary>The home did not answer: the copy is used, and the run's output says so (a warning).</summary>
    HomeDown,

    /// <summary>The home's template has other disks and no linked clone stands on the copy: the home sends it again.</summary>
    Refresh,

    /// <summary>The home's template has other disks and linked clones stand on the copy: refused.</summary>
    RefuseStale,

    /// <summary>The home has no such template any more: refused (the copy is an orphan, dropped when unused).</summary>
    HomeDeleted,
}

/// <summary>What the home answered about its template: its disks' checksums and when it was made, or none (it has no template of that name).</summary>
internal sealed record TemplateAtHome(IReadOnlyList<string>? Checksums, DateTimeOffset CreatedAt = default);

/// <summary>
/// The rule for a clone run on a member whose template is a copy of another member's (issue 17): the copy is checked
/// with its home first, so a stale copy is never used silently. The home down is not a refusal: the copy is the home's
/// template as it was when copied (checked by sha256), clones are made from it and the run says so — as a cached
/// image stays usable on an Incus member while the member it came from is down.
/// </summary>
internal static class TemplateCopyFreshness
{
    /// <param name="copy">This host's copy (its checksums, its home, its linked clones).</param>
    /// <param name="home">The home's answer; null: it did not answer (down, or not reachable).</param>
    /// <param name="homeCreatedAt">When the home's template the copy was made of was made there (copy.json).</param>
    /// <param name="why">Why the home did not answer (for the warning).</param>
    public static (CopyFreshness Action, string? Message) Decide(TemplateCopyState copy, TemplateAtHome? home, string here, string name, DateTimeOffset copiedAt, DateTimeOffset homeCreatedAt, string? why = null)
    {
        ArgumentNullException.ThrowIfNull(copy);
        string homeHost = copy.CopiedFrom ?? "?";
        if (home is null)
        {
            return (CopyFreshness.HomeDown, $"host '{homeHost}', the home of template '{name}', did not answer{(why is null ? "" : $" ({why})")}: the clones are made from host '{here}''s copy of it, copied {copiedAt:yyyy-MM-dd HH:mm:ss}Z; it is older than host '{homeHost}''s template if that was changed since");
        }

        if (home.Checksums is not { } sums)
        {
            string clones = copy.Clones.Count == 0 ? "" : $" ({copy.Clones.Count} linked clone(s) stand on it here: {string.Join(", ", copy.Clones)})";
            return (CopyFreshness.HomeDeleted, $"template '{name}' on host '{here}' is a copy of host '{homeHost}''s template, which was deleted there{clones}; no clones are made from it: `hospes template delete {name}` on host '{here}' removes the copy once no linked clone stands on it, or make the template again on host '{homeHost}'");
        }

        // The same template there (made at the same time: a template's disks never change), or the same disks. An
        // overlay template is sent flattened, so its copy's checksums are not the home's: its identity is its creation.
        if (home.CreatedAt == homeCreatedAt || copy.Checksums.SequenceEqual([.. sums.Order(StringComparer.Ordinal)], StringComparer.Ordinal))
        {
            return (CopyFreshness.Current, null);
        }

        if (copy.Clones.Count == 0)
        {
            return (CopyFreshness.Refresh, null);
        }

        return (CopyFreshness.RefuseStale, $"host '{here}' has an older copy of template '{name}' (host '{homeHost}''s template was changed or made again since), and it is not used: {copy.Clones.Count} linked clone(s) here stand on that copy ({string.Join(", ", copy.Clones)}) and a linked clone's base never changes under it; delete those clones on host '{here}' (the next run then copies the new template here), or run the clone on host '{homeHost}' with --host {homeHost}");
    }
}
