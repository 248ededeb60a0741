using Hospes.Host.Storage;

namespace Hospes.Host.Tests.Storage;

/// <summary>A clone run on a member's copy of a template: checked with the template's home first, never used stale silently.</summary>
public sealed class TemplateCopyFreshnessTests
{
    private static readonly DateTimeOffset CopiedAt = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MadeAt = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static (CopyFreshness Action, string? Message) Decide(TemplateCopyState copy, TemplateAtHome? home, string? why = null) =>
        TemplateCopyFreshness.Decide(copy, home, here: "host-b", name: "tmpl", CopiedAt, MadeAt, why);

    [Fact]
    public void TheSameTemplateAtTheHome_ByItsCreation_IsCurrent_EvenWithOtherChecksums_AnOverlaySentFlattened() =>
        Assert.Equal((CopyFreshness.Current, null), Decide(new TemplateCopyState(["flat"], "host-a", ["c-1"]), new TemplateAtHome(["overlay"], MadeAt)));

    [Fact]
    public void TheHomesDisks_InAnyOrder_AreTheCopy_Current() =>
        Assert.Equal((CopyFreshness.Current, null), Decide(new TemplateCopyState(["s1", "s2"], "host-a", ["c-1"]), new TemplateAtHome(["s2", "s1"])));

    [Fact]
    public void OtherDisksAtTheHome_WithNoLinkedCloneOnTheCopy_Refresh() =>
        Assert.Equal((CopyFreshness.Refresh, null), Decide(new TemplateCopyState(["old"], "host-a", []), new TemplateAtHome(["new"])));

    [Fact]
    public void OtherDisksAtTheHome_WithLinkedClonesOnTheCopy_AreRefused_NamingThemTheHomeAndWhatToDo()
    {
        (CopyFreshness action, string? message) = Decide(new TemplateCopyState(["old"], "host-a", ["c-1", "c-2"]), new TemplateAtHome(["new"]));

        Assert.Equal(CopyFreshness.RefuseStale, action);
        Assert.Contains("host 'host-b' has an older copy of template 'tmpl' (host 'host-a''s template was changed or made again since)", message, StringComparison.Ordinal);
        Assert.Contains("(c-1, c-2)", message, StringComparison.Ordinal);
        Assert.Contains("run the clone on host 'host-a' with --host host-a", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHomeDown_UsesTheCopy_WithAWarningNamingTheHomeWhyAndWhenItWasCopied()
    {
        (CopyFreshness action, string? message) = Decide(new TemplateCopyState(["old"], "host-a", ["c-1"]), null, "host 'host-a' is down");

        Assert.Equal(CopyFreshness.HomeDown, action);
        Assert.Equal("host 'host-a', the home of template 'tmpl', did not answer (host 'host-a' is down): the clones are made from host 'host-b''s copy of it, copied 2026-12-07 10:00:00Z; it is older than host 'host-a''s template if that was changed since", message);
    }

    [Fact]
    public void NoSuchTemplateAtTheHome_IsRefused_WithOrWithoutClones_NamingHowTheCopyGoes()
    {
        (CopyFreshness action, string? message) = Decide(new TemplateCopyState(["s1"], "host-a", ["c-1"]), new TemplateAtHome(null));
        Assert.Equal(CopyFreshness.HomeDeleted, action);
        Assert.Contains("a copy of host 'host-a''s template, which was deleted there (1 linked clone(s) stand on it here: c-1)", message, StringComparison.Ordinal);
        Assert.Contains("`hospes template delete tmpl` on host 'host-b'", message, StringComparison.Ordinal);

        Assert.Equal(CopyFreshness.HomeDeleted, Decide(new TemplateCopyState(["s1"], "host-a", []), new TemplateAtHome(null)).Action);
    }
}
