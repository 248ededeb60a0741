using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Access;
using Hospes.Host.Memory;
using Hospes.Host.State;
using Hospes.Host.Tests.Storage;
using Hospes.Host.Vms;
using Hospes.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Vms;

/// <summary>A project's limits at every path that adds to its usage: define, clone, each start of a QEMU, mem-set's growth.</summary>
public sealed class ProjectQuotaTests : IAsyncLifetime, IAsyncDisposable
{
    private const long Mib = 1024 * 1024;
    private readonly VmFloor _floor = new();

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 calls IAsyncLifetime on a test class, never IAsyncDisposable (its folders were left in /tmp).
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync() => await _floor.DisposeAsync();

    [Fact]
    public async Task ADefinePastTheVmLimit_IsRefusedWithTheArithmetic_AndLeavesNoRowNorFolder()
    {
        Project("lab1", new ProjectLimits(Vms: 1));
        await _floor.DefineAsync(_floor.Spec("a"), "lab1");
        VmSpec b = _floor.Spec("b");

        await using var revert = new Reverter();
        Result<VmActor> refused = await _floor.Vms.DefineAsync(b, fullCopies: false, revert, CancellationToken.None, "lab1");

        Assert.Equal("project lab1: 1 of 1 VMs used, creating b would make 2; raise the limit with hospes project set lab1 --limit vms=2 or delete a VM", refused.Error!.Message);
        Assert.Equal(["a"], _floor.Db.LoadVms().Select(v => v.Name));
        Assert.False(Directory.Exists(_floor.Layout.VmDir(b.Uuid)));

        // Another project's VMs do not count; the record keeps its project across a reload.
        await _floor.DefineAsync(b);
        Assert.Equal([("a", "lab1"), ("b", "default")], _floor.Db.LoadVms().Select(v => (v.Name, v.Project)));
    }

    [Fact]
    public async Task ADefineInAProjectThatIsNot_IsRefusedWithHowToMakeIt()
    {
        await using var revert = new Reverter();
        Result<VmActor> refused = await _floor.Vms.DefineAsync(_floor.Spec("a"), fullCopies: false, revert, CancellationToken.None, "lab9");

        Assert.Equal((ErrorCode.NotFound, "no project lab9; create it with hospes project create lab9"), (refused.Error!.Code, refused.Error.Message));
        Assert.Empty(_floor.Db.LoadVms());
    }

    [Fact]
    public async Task AStartPastTheMemoryLimit_IsRefused_TheVmStaysShutOff_AndStoppingAnotherMakesRoom()
    {
        Project("lab1", new ProjectLimits(MemoryMiB: 200, Vcpus: 4));
        VmActor a = await _floor.DefineAsync(_floor.Spec("a"), "lab1");
        VmActor b = await _floor.DefineAsync(_floor.Spec("b"), "lab1");
        Assert.True((await a.RunAsync(_floor.Commands.Start())).IsOk);

        Result<VmRecord> refused = await b.RunAsync(_floor.Commands.Start());

        Assert.Equal(
            "cannot start b: project lab1: 128 MiB of 200 MiB memory used, starting b would make 256 MiB; raise the limit with hospes project set lab1 --limit memory=256M or stop a VM",
            refused.Error!.Message);
        Assert.Equal((VmState.Shutoff, (int?)null), (b.Record.State, b.Pid));
        Assert.Single(_floor.Qemu.Running);
        Assert.Equal(new ProjectUsage(2, 128, 1), _floor.Vms.Quotas.Usage("lab1"));

        Assert.True((await a.RunAsync(_floor.Commands.Destroy())).IsOk);
        Assert.True((await b.RunAsync(_floor.Commands.Start())).IsOk);
    }

    [Fact]
    public async Task ARestore_IsAStartLikeAnyOther_AndIsRefusedPastTheLimit_KeepingTheSaveFile()
    {
        Project("lab1", new ProjectLimits(MemoryMiB: 200));
        VmActor web = await _floor.DefineAsync(_floor.Spec("web"), "lab1");
        Assert.True((await web.RunAsync(_floor.Commands.Start())).IsOk);
        FakeQmp qmp = _floor.QemuOf(web).Monitor;
        qmp.Answer("query-migrate", """{"status": "completed"}""");
        string path = _floor.Options.StateDir + "/web.save";
        qmp.Answer("migrate", _ =>
        {
            using var f = new FileStream(path, FileMode.Append);
            f.Write(new byte[8192]);
            return "{}";
        });
        Assert.True((await web.RunAsync(_floor.Commands.Save(path))).IsOk);
        VmActor other = await _floor.DefineAsync(_floor.Spec("other"), "lab1");
        Assert.True((await other.RunAsync(_floor.Commands.Start())).IsOk);

        Result<VmRecord> refused = await web.RunAsync(_floor.Commands.Start());

        Assert.StartsWith("cannot start web: project lab1: 128 MiB of 200 MiB memory used, starting web would make 256 MiB", refused.Error!.Message, StringComparison.Ordinal);
        Assert.Equal((VmState.Saved, path), (web.Record.State, web.Record.SavePath));
        Assert.True(File.Exists(path));

        Assert.True((await other.RunAsync(_floor.Commands.Destroy())).IsOk);
        _floor.Qemu.OnLaunch = q => q.Monitor.Answer("query-migrate", """{"status": "completed"}""");
        Assert.Equal(VmState.Running, (await web.RunAsync(_floor.Commands.Start())).Value.State);
    }

    [Fact]
    public async Task AStartOfAVmInAnotherProject_DoesNotCount()
    {
        Project("lab1", new ProjectLimits(MemoryMiB: 128));
        await _floor.StartedAsync("other");
        VmActor a = await _floor.DefineAsync(_floor.Spec("a"), "lab1");

        Assert.True((await a.RunAsync(_floor.Commands.Start())).IsOk);
    }

    [Fact]
    public async Task MemSet_GrowingPastTheLimit_IsRefused_AndGrowingWithinItIsNot()
    {
        _floor.Qemu.OnLaunch = q =>
        {
            q.Monitor.BalloonBytes = 512 * Mib;
            q.Monitor.Answer("x-query-virtio-status", """{"status": {"statuses": ["VIRTIO_CONFIG_S_DRIVER_OK"]}}""");
        };
        await using var memory = new MemoryService(_floor.Options, _floor.Db, _floor.Registry, _floor.Balloons, TimeProvider.System, NullLoggerFactory.Instance);
        Project("lab1", new ProjectLimits(MemoryMiB: 320));
        VmActor web = await _floor.DefineAsync(_floor.Spec("web", s => s with { MemoryMib = 256, MaxMemoryMib = 512 }), "lab1");
        Assert.True((await web.RunAsync(_floor.Commands.Start())).IsOk);

        Result<VmMemoryStatus> refused = await memory.SetTargetAsync("web", 384);

        Assert.Equal(
            "project lab1: 256 MiB of 320 MiB memory used, growing web would make 384 MiB; raise the limit with hospes project set lab1 --limit memory=384M or stop a VM",
            refused.Error!.Message);
        Assert.Equal(256, web.Record.Spec.MemoryMib);
        Assert.True((await memory.SetTargetAsync("web", 320)).IsOk);
    }

    [Fact]
    public async Task ACloneOfN_IsCheckedOnceForAllOfThem_BeforeTheFirstIsMade()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.VmOnAsync("src", "base");
        Assert.True((await store.Templates.CreateAsync("src", "golden", CancellationToken.None)).IsOk);
        store.Floor.Db.SetProjectLimits(StateDb.DefaultProject, new ProjectLimits(Vms: 3));
        var order = new CloneOrder("web-{i}", 3, Full: false, Start: false, TimeSpan.FromSeconds(5));

        Result<IReadOnlyList<string>> refused = store.Clones.PlanClones("golden", order);

        Assert.Equal(
            "project default: 1 of 3 VMs used, cloning 3 would make 4; raise the limit with hospes project set default --limit vms=4 or delete a VM; nothing was cloned",
            refused.Error!.Message);
        Assert.Equal(["src"], store.Floor.Registry.Vms.Select(v => v.Record.Name));

        // Into another project: its own limits; the clones are its.
        Assert.True(store.Floor.Db.TryInsertProject(new ProjectRecord("lab1", new ProjectLimits(Vms: 2), DateTimeOffset.UtcNow)));
        Assert.False(store.Clones.PlanClones("golden", order with { Project = "lab1" }).IsOk);
        CloneOrder two = order with { Count = 2, Project = "lab1" };
        IReadOnlyList<string> names = store.Clones.PlanClones("golden", two).Value;
        await store.Clones.CloneAsync("golden", two, names, _ => Task.CompletedTask, CancellationToken.None);
        Assert.Equal([("src", "default"), ("web-1", "lab1"), ("web-2", "lab1")], store.Floor.Registry.Vms.Select(v => (v.Record.Name, v.Record.Project)));
    }

    private void Project(string name, ProjectLimits limits) =>
        Assert.True(_floor.Db.TryInsertProject(new ProjectRecord(name, limits, DateTimeOffset.UtcNow)));
}
