using Hospes.Core.Vms;
using Hospes.Host.State;
using Microsoft.Data.Sqlite;

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

    [Fact]
    public void PathsInTheStateDir_AreStoredRelative_AndReadBackUnderTheStateDirOfThisRun()
    {
        using var dir = new TempDir();
        var db = new StateDb(dir.File("hospes.db"));
        string own = dir.Combine("vms", "x", "disks", "xvda.qcow2");
        VmRecord web = Record("web") with { SavePath = dir.File("web.save") };
        web = web with { Spec = web.Spec with { Disks = [.. web.Spec.Disks, new DiskSpec { Target = own, Vdev = "xvdb" }] } };
        db.TryInsert(web);
        db.InTransaction(t => t.TryInsertVolume(new VolumeRecord { Kind = VolumeKind.Disk, Name = "data", Path = dir.Combine("disks", "data.qcow2"), Format = "qcow2" }));

        Assert.Equal("disks/data.qcow2", Raw(dir.File("hospes.db"), "SELECT path FROM volumes"));
        Assert.Equal("web.save", Raw(dir.File("hospes.db"), "SELECT save_path FROM vms"));
        string spec = Raw(dir.File("hospes.db"), "SELECT spec FROM vms");
        Assert.Contains("\"vms/x/disks/xvda.qcow2\"", spec, StringComparison.Ordinal);
        Assert.Contains("\"/srv/a.qcow2\"", spec, StringComparison.Ordinal);
        VmRecord loaded = Assert.Single(db.LoadVms());
        Assert.Equal(["/srv/a.qcow2", own], loaded.Spec.Disks.Select(d => d.Target));
        Assert.Equal(("image:tiny", dir.File("web.save")), (loaded.Spec.Kernel, loaded.SavePath));
        Assert.Equal(dir.Combine("disks", "data.qcow2"), Assert.Single(db.LoadVolumes()).Path);
    }

    [Fact]
    public void ASchema4Db_WrittenInAnotherStateDir_GetsItsStorePathsRelative_AndOutsidePathsKept()
    {
        using var dir = new TempDir();
        string file = dir.File("hospes.db");
        new StateDb(file).TryInsert(Record("web"));
        Guid uuid = Guid.NewGuid();
        string spec = $$"""{"name":"db","uuid":"{{uuid}}","disks":[{"target":"/var/lib/hospes/vms/{{uuid}}/disks/xvda.qcow2","vdev":"xvda","format":"qcow2"},{"target":"/srv/b.img","vdev":"xvdb"}]}""";
        Raw(file, $"""
            INSERT INTO vms (uuid, name, spec, state, created_at) VALUES ('{uuid}', 'db', '{spec}', 'Shutoff', '2026-11-22T10:00:00Z');
            INSERT INTO volumes (kind, name, path, format, virtual_size, vm, created_at) VALUES ('VmDisk', 'db/xvda', '/var/lib/hospes/vms/{uuid}/disks/xvda.qcow2', 'qcow2', 1, '{uuid}', '2026-11-22T10:00:00Z');
            INSERT INTO volumes (kind, name, path, format, virtual_size, created_at) VALUES ('Disk', 'data1', '/var/lib/hospes/disks/data1.qcow2', 'qcow2', 1, '2026-11-22T10:00:00Z');
            DELETE FROM meta WHERE key = 'state_dir';
            PRAGMA user_version = 4;
            """);

        var db = new StateDb(file);

        Assert.Equal([dir.Combine("disks", "data1.qcow2"), dir.Combine("vms", uuid.ToString(), "disks", "xvda.qcow2")], db.LoadVolumes().Select(v => v.Path).Order());
        Assert.Equal([dir.Combine("vms", uuid.ToString(), "disks", "xvda.qcow2"), "/srv/b.img"], db.LoadVms().Single(v => v.Name == "db").Spec.Disks.Select(d => d.Target));
        Assert.Equal("/srv/a.qcow2", db.LoadVms().Single(v => v.Name == "web").Spec.Disks.Single().Target);
        Assert.Equal("/var/lib/hospes", db.RecordedStateDir());
        Assert.Equal("8", Raw(file, "PRAGMA user_version"));
    }

    [Fact]
    public void ASchema6Db_GetsProjects_EverythingInDefault_AndTheDefaultProjectsRow()
    {
        using var dir = new TempDir();
        string file = dir.File("hospes.db");
        new StateDb(file).TryInsert(Record("web"));
        // As hospesd 6 left it: no project columns, no default project.
        Raw(file, """
            ALTER TABLE vms DROP COLUMN project;
            ALTER TABLE templates DROP COLUMN project;
            ALTER TABLE volumes DROP COLUMN project;
            ALTER TABLE networks DROP COLUMN project;
            DELETE FROM projects;
            INSERT INTO volumes (kind, name, path, format, virtual_size, created_at) VALUES ('Disk', 'data1', 'disks/data1.qcow2', 'qcow2', 1, '2026-11-22T10:00:00Z');
            INSERT INTO networks (name, bridge, subnet, mode, created_at) VALUES ('lab', 'lab', '10.165.9.0/24', 'nat', '2026-11-22T10:00:00Z');
            PRAGMA user_version = 6;
            """);

        var db = new StateDb(file);

        Assert.Equal("8", Raw(file, "PRAGMA user_version"));
        Assert.Equal([("web", "default")], db.LoadVms().Select(v => (v.Name, v.Project)));
        Assert.Null(db.LoadVms().Single().RamFile); // schema 8: the RAM file a VM maps (issue 16)
        VmRecord web = db.LoadVms().Single() with { RamFile = "/dev/shm/hospes/x/fork-1/ram" };
        db.Update(web);
        Assert.Equal(web.RamFile, db.LoadVms().Single().RamFile);
        Assert.Equal("default", Assert.Single(db.LoadVolumes()).Project);
        Assert.Equal("default", Assert.Single(db.LoadNetworks()).Project);
        Assert.Equal(["default"], db.LoadProjects().Select(p => p.Name));
        _ = new StateDb(file); // a second open changes nothing
        Assert.Equal(["default"], db.LoadProjects().Select(p => p.Name));
    }

    private static string Raw(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
