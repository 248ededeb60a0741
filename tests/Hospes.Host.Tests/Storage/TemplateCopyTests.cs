using System.Security.Cryptography;
using System.Text;
using Hospes.Core.Errors;
using Hospes.Host.State;
using Hospes.Host.Storage;

namespace Hospes.Host.Tests.Storage;

/// <summary>A template's copy arriving from another cluster member: used, replaced when stale, refused, deleted with its home's.</summary>
public sealed class TemplateCopyTests
{
    [Fact]
    public async Task AChangedTemplate_FromTheSameHome_ReplacesTheCopy_WhenNoCloneStandsOnIt()
    {
        await using var store = new StoreFloor();
        Assert.True((await ReceiveAsync(store, "one")).IsOk);
        Assert.True((await ReceiveAsync(store, "one")).IsOk);

        TemplateView now = (await ReceiveAsync(store, "two")).Value;

        Assert.Equal("host-a", now.CopiedFrom?.Home);
        Assert.Equal(Sha("two"), Assert.Single(now.Disks).Volume.Checksum);
        Assert.Equal("two", await File.ReadAllTextAsync(Path.Combine(store.Layout.TemplateDir("tmpl"), "xvda.qcow2")));
        Assert.Single(store.Floor.Volumes.All(), v => v.Kind == VolumeKind.Template);
        Assert.Equal(["tmpl"], Directory.EnumerateDirectories(store.Layout.TemplatesDir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task AChangedTemplate_IsRefused_WhileALinkedCloneStandsOnTheCopy_WhichStaysAsItWas()
    {
        await using var store = new StoreFloor();
        await ReceiveAsync(store, "one");
        await CloneOnAsync(store, "c-1");

        Result<TemplateView> again = await ReceiveAsync(store, "two");

        Assert.Equal(ErrorCode.InvalidState, again.Error!.Code);
        Assert.Contains("older copy of template 'tmpl'", again.Error.Message, StringComparison.Ordinal);
        Assert.Contains("(c-1)", again.Error.Message, StringComparison.Ordinal);
        Assert.Equal("one", await File.ReadAllTextAsync(Path.Combine(store.Layout.TemplateDir("tmpl"), "xvda.qcow2")));
        Assert.Equal(Sha("one"), Assert.Single(store.Floor.Volumes.All(), v => v.Kind == VolumeKind.Template).Checksum);
    }

    [Fact]
    public async Task ACopy_OverATemplateOfThisHostsOwn_IsRefused()
    {
        await using var store = new StoreFloor();
        await ReceiveAsync(store, "one", home: "host-c");

        Result<TemplateView> again = await ReceiveAsync(store, "two");

        Assert.Equal(ErrorCode.Conflict, again.Error!.Code);
        Assert.Contains("of its own (not a copy of host 'host-a''s)", again.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteCopy_IsRefusedNamingItsClones_DeletesItOnceThoseAreGone_AndTouchesNoOtherHomesTemplate()
    {
        await using var store = new StoreFloor();
        await ReceiveAsync(store, "one");
        await CloneOnAsync(store, "c-1");

        Result<TemplateView> kept = await store.Templates.DeleteCopyAsync("tmpl", "host-a", "host-b", CancellationToken.None);
        Assert.Equal("host 'host-b' keeps its copy of template 'tmpl': 1 linked clone(s) there stand on it (c-1); delete them on host 'host-b' first (full clones do not count)", kept.Error!.Message);
        Assert.Equal(ErrorCode.NotFound, (await store.Templates.DeleteCopyAsync("tmpl", "host-c", "host-b", CancellationToken.None)).Error!.Code);

        Assert.True((await store.Floor.Vms.DeleteAsync("c-1", false, CancellationToken.None)).IsOk);
        Assert.True((await store.Templates.DeleteCopyAsync("tmpl", "host-a", "host-b", CancellationToken.None)).IsOk);
        Assert.False(Directory.Exists(store.Layout.TemplateDir("tmpl")));
        Assert.DoesNotContain(store.Floor.Volumes.All(), v => v.Kind == VolumeKind.Template);
    }

    [Fact]
    public async Task ACopyWhoseHomeDeletedTheTemplate_IsMarkedOnce_ByItsHomeOnly_AndShownAsSuch()
    {
        await using var store = new StoreFloor();
        await ReceiveAsync(store, "one");
        Assert.Equal([("tmpl", "host-a")], store.Templates.Copies().Select(c => (c.Name, c.Origin.Home)));
        Assert.Equal("host-a", store.Templates.CopyOf("tmpl")!.Value.State.CopiedFrom);
        Assert.False(Hospes.Host.Edge.TemplateInfoFactory.Create(store.Templates.Get("tmpl").Value).CopyOfDeleted);

        Assert.False(await store.Templates.MarkHomeDeletedAsync("tmpl", "host-c", CancellationToken.None));
        Assert.True(await store.Templates.MarkHomeDeletedAsync("tmpl", "host-a", CancellationToken.None));
        Assert.False(await store.Templates.MarkHomeDeletedAsync("tmpl", "host-a", CancellationToken.None));

        TemplateView marked = store.Templates.Get("tmpl").Value;
        Assert.NotNull(marked.CopiedFrom?.HomeDeletedAt);
        Assert.True(Hospes.Host.Edge.TemplateInfoFactory.Create(marked).CopyOfDeleted);
        Assert.Null(store.Templates.CopyOf("nope"));
    }

    private static Task<Result<TemplateView>> ReceiveAsync(StoreFloor store, string content, string home = "host-a")
    {
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        var header = new TemplateCopyHeader
        {
            Name = "tmpl",
            Project = StateDb.DefaultProject,
            Spec = store.Floor.Spec("base", s => s with { Disks = [new() { Target = "/there/tmpl/xvda.qcow2", Vdev = "xvda", Format = "qcow2" }] }),
            Origin = home,
            Home = home,
            Files = [new TemplateCopyFile { Vdev = "xvda", Target = "/there/tmpl/xvda.qcow2", Size = bytes.Length, Sha256 = Sha(content) }],
        };
        return store.Templates.ReceiveAsync(header, new MemoryStream(bytes), "host-b", CancellationToken.None);
    }

    private static Task<Hospes.Host.Vms.VmActor> CloneOnAsync(StoreFloor store, string name) =>
        store.Floor.DefineAsync(store.Floor.Spec(name, s => s with { Disks = [new() { Target = Path.Combine(store.Layout.TemplateDir("tmpl"), "xvda.qcow2"), Vdev = "xvda", Format = "qcow2" }] }));

    private static string Sha(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
