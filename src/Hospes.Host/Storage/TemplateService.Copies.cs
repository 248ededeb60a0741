using Hospes.Core.Errors;
using Hospes.Core.Files;
using Hospes.Core.Vms;
using Hospes.Host.State;

namespace Hospes.Host.Storage;

/// <summary>
/// A template's copies on other cluster members (issue 17): a stale copy replaced (when no linked clone stands on it)
/// or refused, never used; a copy deleted with its home's template.
/// </summary>
internal sealed partial class TemplateService
{
    /// <summary>Template <paramref name="name"/> here as the copy rule sees it; null: none (a running template counts as none: it is a VM).</summary>
    public TemplateCopyState? CopyStateOf(string name)
    {
        Result<TemplateRecord> t = store.FindTemplate(name);
        if (!t.IsOk)
        {
            return null;
        }

        TemplateView view = ViewOf(t.Value, store.All());
        return new TemplateCopyState(Checksums(name), view.CopiedFrom?.Home, view.Clones);
    }

    /// <summary>The copies of other members' templates here, by name, with their records (a running template is none).</summary>
    public IReadOnlyList<(string Name, TemplateCopyOrigin Origin)> Copies() =>
        [.. store.Templates().Select(t => (t.Name, Origin: TemplateCopyOrigin.Read(store.Layout.TemplateDir(t.Name)))).Where(c => c.Origin is not null).Select(c => (c.Name, c.Origin!))];

    /// <summary>Template <paramref name="name"/> here when it is a copy of another member's: its state for the rules and its record; else null.</summary>
    public (TemplateCopyState State, TemplateCopyOrigin Origin)? CopyOf(string name) =>
        CopyStateOf(name) is { CopiedFrom: not null } state && TemplateCopyOrigin.Read(store.Layout.TemplateDir(name)) is { } origin ? (state, origin) : null;

    /// <summary>
    /// Records in the copy of <paramref name="home"/>'s template <paramref name="name"/> that its home deleted it (linked
    /// clones here keep it): `template list` and `info` show it. False: no such copy here, or it was recorded so already.
    /// </summary>
    public async Task<bool> MarkHomeDeletedAsync(string name, string home, CancellationToken ct)
    {
        await store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            string dir = store.Layout.TemplateDir(name);
            if (!store.FindTemplate(name).IsOk || TemplateCopyOrigin.Read(dir) is not { HomeDeletedAt: null } origin || origin.Home != home)
            {
                return false;
            }

            (origin with { HomeDeletedAt = store.Time.GetUtcNow() }).Write(dir);
            return true;
        }
        finally
        {
            store.Gate.Release();
        }
    }

    /// <summary>The rule for <paramref name="header"/> here: an answer (the template here, or a refusal), or none (copy it; Replace: over the stale copy).</summary>
    private (Result<TemplateView>? Answer, bool Replace) Decided(TemplateCopyHeader header, IReadOnlyList<string> sums, string here)
    {
        (TemplateCopyAction action, string? message) = TemplateCopyDecision.Decide(CopyStateOf(header.Name), sums, header.Home ?? header.Origin, header.Origin, here, header.Name);
        return action switch
        {
            TemplateCopyAction.Use => (ViewOf(store.FindTemplate(header.Name).Value, store.All()), false),
            TemplateCopyAction.RefuseStale => (HospesError.State(message!), false),
            TemplateCopyAction.RefuseForeign => (HospesError.Conflict(message!), false),
            TemplateCopyAction.Replace => (null, true),
            _ => (null, false),
        };
    }

    /// <summary>
    /// Puts the received folder in place and records it, under the store gate (the rule decided again there, so a clone
    /// made meanwhile on a stale copy keeps it). A stale copy replaced goes in the same transaction; its folder is moved
    /// aside first and back when the transaction fails.
    /// </summary>
    private async Task<Result<TemplateView>> RecordArrivalAsync(TemplateRecord record, List<VolumeRecord> rows, string partial, string final, TemplateCopyHeader header, IReadOnlyList<string> sums, string here, CancellationToken ct)
    {
        await store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            (Result<TemplateView>? answer, bool replace) = Decided(header, sums, here);
            if (answer is { } decided)
            {
                return decided;
            }

            IReadOnlyList<VolumeRecord> old = replace ? [.. store.All().Where(v => v.Kind == VolumeKind.Template && v.Template == record.Name)] : [];
            string aside = $"{final}.old-{Guid.NewGuid():N}{StoreLayout.PartialSuffix}";
            if (replace)
            {
                DurableFiles.MoveDirectory(final, aside);
            }
            else
            {
                StoreFiles.DeleteQuietly(final);
            }

            DurableFiles.MoveDirectory(partial, final);
            bool inserted;
            try
            {
                inserted = store.Db.InTransaction(tx =>
                {
                    if (replace)
                    {
                        foreach (VolumeRecord v in old)
                        {
                            tx.DeleteVolume(v.Id);
                        }

                        tx.DeleteTemplate(record.Name);
                    }

                    return InsertRows(tx, record, rows, $"the state DB of host '{here}'");
                });
            }
            catch (HospesException e)
            {
                Undo(final, aside, replace);
                return e.Error;
            }

            if (!inserted)
            {
                Undo(final, aside, replace);
                return HospesError.Conflict($"host '{here}' has a template named '{record.Name}' already");
            }

            StoreFiles.DeleteQuietly(aside);
            return ViewOf(record, store.All());
        }
        finally
        {
            store.Gate.Release();
        }
    }

    /// <summary>The new folder goes; the stale copy's comes back (its rows were kept: the transaction did not commit).</summary>
    private static void Undo(string final, string aside, bool replace)
    {
        StoreFiles.DeleteQuietly(final);
        if (replace)
        {
            DurableFiles.MoveDirectory(aside, final);
        }
    }

    /// <summary>
    /// Deletes this host's copy of <paramref name="home"/>'s template <paramref name="name"/> (its home deletes the
    /// template): refused while linked clones stand on it, naming them and this host; none here is NotFound.
    /// </summary>
    public async Task<Result<TemplateView>> DeleteCopyAsync(string name, string home, string here, CancellationToken ct)
    {
        await store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Result<TemplateRecord> t = store.FindTemplate(name);
            IReadOnlyList<VolumeRecord> all = store.All();
            TemplateView? view = t.IsOk ? ViewOf(t.Value, all) : null;
            if (view?.CopiedFrom?.Home != home)
            {
                return HospesError.NotFound($"host '{here}' has no copy of host '{home}''s template '{name}'");
            }

            if (view.Clones.Count > 0)
            {
                return HospesError.State($"host '{here}' keeps its copy of template '{name}': {view.Clones.Count} linked clone(s) there stand on it ({string.Join(", ", view.Clones)}); delete them on host '{here}' first (full clones do not count)");
            }

            DeleteLocked(name, all);
            return view;
        }
        finally
        {
            store.Gate.Release();
        }
    }
}
