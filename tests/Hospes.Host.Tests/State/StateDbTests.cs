using Hospes.Core.Vms;
using Hospes.Host.State;

namespace Hospes.Host.Tests.State;

public class StateDbTests
{
    private static VmRecord Record(string name) => new()
    {
        Spec = new VmSpec
        {
            Name = name,
            Uuid = Guid.NewGuid(),
            Kernel = "image:tiny",
            Disks = [new DiskSpec { Target = "/srv/a.qcow2", Format = "qcow2", Vdev = "xvda" }],
            Vifs = [new VifSpec { Mac = "52:54:00:12:34:56", Ip = "10.0.0.5" }],
            OnCrash = LifecycleAction.Preserve,
        },
        CreatedAt = DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public void Records_SurviveAReopen_WithSpecAndRuntimeFields()
    {
        using var dir = new TempDir();
        VmRecord web = Record("web") with { State = VmState.Running, DomId = 7, Pid = 1234, Machine = "microvm", Accel = "tcg", CrashCount = 2, LastError = "boom" };
        Assert.True(new StateDb(dir.File("h.db")).TryInsert(web));

        VmRecord loaded = Assert.Single(new StateDb(dir.File("h.db")).LoadVms());

        Assert.Equal(web.Uuid, loaded.Uuid);
        Assert.Equal(VmState.Running, loaded.State);
        Assert.Equal((7, 1234, "microvm", "tcg", 2, "boom"), (loaded.DomId!.Value, loaded.Pid!.Value, loaded.Machine, loaded.Accel, loaded.CrashCount, loaded.LastError));
        Assert.Equal(web.CreatedAt, loaded.CreatedAt);
        Assert.Equal("/srv/a.qcow2", Assert.Single(loaded.Spec.Disks).Target);
        Assert.Equal("10.0.0.5", Assert.Single(loaded.Spec.Vifs).Ip);
        Assert.Equal(LifecycleAction.Preserve, loaded.Spec.OnCrash);
    }

    [Fact]
    public void Insert_OfATakenNameOrUuid_IsRefused()
    {
        using var dir = new TempDir();
        var db = new StateDb(dir.File("h.db"));
        VmRecord web = Record("web");
        Assert.True(db.TryInsert(web));

        Assert.False(db.TryInsert(Record("web")));
        Assert.False(db.TryInsert(web with { Spec = web.Spec with { Name = "other" } }));
        Assert.Single(db.LoadVms());
    }

    [Fact]
    public void UpdateAndDelete_ChangeOnlyThatVm()
    {
        using var dir = new TempDir();
        var db = new StateDb(dir.File("h.db"));
        VmRecord web = Record("web"), dbvm = Record("db");
        db.TryInsert(web);
        db.TryInsert(dbvm);

        db.Update(web with { State = VmState.Saved, SavePath = "/tmp/web.save" });
        db.Delete(dbvm.Uuid);

        VmRecord only = Assert.Single(db.LoadVms());
        Assert.Equal((VmState.Saved, "/tmp/web.save"), (only.State, only.SavePath));
    }

    [Fact]
    public void DomainIds_CountUpAcrossReopens()
    {
        using var dir = new TempDir();
        int a = new StateDb(dir.File("h.db")).NextDomId();
        int b = new StateDb(dir.File("h.db")).NextDomId();
        Assert.Equal(1, a);
        Assert.Equal(2, b);
    }
}
