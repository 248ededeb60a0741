using Hospes.Host.Edge;
using Hospes.Host.Storage;

namespace Hospes.Host.Tests.Storage;

/// <summary>The one rule for a template's copy on another cluster member: a stale copy is never used.</summary>
public sealed class TemplateCopyDecisionTests
{
    private static (TemplateCopyAction Action, string? Message) Decide(TemplateCopyState? here, params string[] sums) =>
        TemplateCopyDecision.Decide(here, sums, home: "host-a", sender: "host-a", hereHost: "host-b", name: "tmpl");

    [Fact]
    public void NoneThere_IsCopied() => Assert.Equal(TemplateCopyAction.Copy, Decide(null, "s1").Action);

    [Fact]
    public void TheSameDisks_AreUsed_InAnyOrder() =>
        Assert.Equal(TemplateCopyAction.Use, Decide(new TemplateCopyState(["s1", "s2"], "host-a", ["c-1"]), "s2", "s1").Action);

    [Fact]
    public void AStaleCopyOfTheSameHome_WithNoLinkedClone_IsReplaced() =>
        Assert.Equal((TemplateCopyAction.Replace, null), Decide(new TemplateCopyState(["old"], "host-a", []), "new"));

    [Fact]
    public void AStaleCopyOfTheSameHome_WithLinkedClones_IsRefused_NamingTheClonesAndTheHost()
    {
        (TemplateCopyAction action, string? message) = Decide(new TemplateCopyState(["old"], "host-a", ["c-1", "c-2"]), "new");

        Assert.Equal(TemplateCopyAction.RefuseStale, action);
        Assert.Contains("host 'host-b' has an older copy of template 'tmpl'", message, StringComparison.Ordinal);
        Assert.Contains("(c-1, c-2)", message, StringComparison.Ordinal);
        Assert.Contains("--host host-a", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherTemplateOfThatName_IsRefused_EvenWithoutClones()
    {
        Assert.Equal(TemplateCopyAction.RefuseForeign, Decide(new TemplateCopyState(["other"], null, []), "new").Action);
        Assert.Equal(TemplateCopyAction.RefuseForeign, Decide(new TemplateCopyState(["other"], "host-c", []), "new").Action);
    }

    [Fact]
    public void ForksPinnedToAnotherHost_AreRefused_NamingTheHostThatHasTheVm()
    {
        Assert.Null(ForkHost.Refusal("live", null, "host-a"));
        Assert.Null(ForkHost.Refusal("live", "host-a", "host-a"));
        string message = ForkHost.Refusal("live", "host-b", "host-a")!.Message;
        Assert.StartsWith("--host host-b: the forks of 'live' (a running VM or a running template) run on host 'host-a'", message, StringComparison.Ordinal);
    }
}
