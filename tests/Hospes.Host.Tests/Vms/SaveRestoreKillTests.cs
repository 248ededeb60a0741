using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Testing.Fakes;

namespace Hospes.Host.Tests.Vms;

/// <summary>
/// Finding #9, the save/restore half: hospesd killed while a save or a restore streams. Each test keeps the state DB as
/// it was at the moment of the kill, starts a new VM floor on it (the QEMU still running, as the fake launcher knows
/// it), and checks that neither the guest nor its save file is lost.
/// </summary>
public sealed class SaveRestoreKillTests
{
    [Fact]
    public async Task KilledWhileASaveStreams_ThenTheStreamCompletes_TheVmIsSavedAtRestart_AndRestoreContinuesIt()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        string path = Path.Combine(floor.Options.StateDir, "web.save");
        VmRecord atKill = await SaveCutAsync(floor, vm, path);

        VmActor again = await RestartAsync(floor, atKill, "postmigrate");

        Assert.Equal((VmState.Saved, path, (int?)null), (again.Record.State, again.Record.SavePath, again.Pid));
        Assert.True(File.Exists(path));
        await AssertRestoresAsync(floor, path);
    }

    [Fact]
    public async Task KilledWhileASaveStreams_TheStreamStillRunningAtRestart_IsFollowedToItsEnd()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        string path = Path.Combine(floor.Options.StateDir, "web.save");
        VmRecord atKill = await SaveCutAsync(floor, vm, path);
        int asked = 0;

        VmActor again = await RestartAsync(floor, atKill, "paused", qmp => qmp.Answer("query-migrate", () => ++asked < 3 ? """{"status": "active"}""" : """{"status": "completed"}"""));

        Assert.Equal((VmState.Saved, path), (again.Record.State, again.Record.SavePath));
        Assert.True(asked >= 3);
        await AssertRestoresAsync(floor, path);
    }

    [Fact]
    public async Task KilledBeforeASavesStreamBegan_TheSaveIsUndoneAtRestart_AndTheGuestContinues()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        string path = Path.Combine(floor.Options.StateDir, "web.save");
        VmRecord atKill = await SaveCutAsync(floor, vm, path);
        File.WriteAllBytes(path, new byte[SaveFile.StreamOffset]); // the header only
        FakeQmp? qmp = null;

        VmActor again = await RestartAsync(floor, atKill, "paused", q => (qmp = q).Answer("query-migrate", "{}"));

        Assert.Equal((VmState.Running, (string?)null), (again.Record.State, again.Record.SavePath));
        Assert.Equal("cont", qmp!.Asked[^1]);
        Assert.False(File.Exists(path));
        Assert.NotNull(again.Pid);
    }

    [Fact]
    public async Task KilledWhileARestoreStreams_TheVmIsSavedAgainAtRestart_AndRestoreOfTheFileWorks()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        string path = await LifecycleRaceTests.SaveAsync(floor, vm);
        VmRecord? atKill = null;
        floor.Qemu.OnLaunch = q => q.Monitor.Answer("migrate-incoming", _ =>
        {
            atKill = floor.Db.LoadVms().Single();
            return "{}";
        });
        floor.Qemu.OnLaunch += q => q.Monitor.Answer("query-migrate", """{"status": "failed", "error-desc": "cut off"}""");
        _ = await vm.RunAsync(floor.Commands.Start());
        FakeQmp? incoming = null;

        VmActor again = await RestartAsync(floor, atKill!, "inmigrate", q => incoming = q);

        Assert.Equal((VmState.Saved, path, (int?)null), (again.Record.State, again.Record.SavePath, again.Pid));
        Assert.Contains("quit", incoming!.Asked);
        Assert.Equal($"hospesd stopped during the restore; `hospes restore {path}` continues it", again.Record.LastError);
        await AssertRestoresAsync(floor, path);
    }

    [Fact]
    public async Task KilledAfterARestoresGuestRan_TheVmIsRunningAtRestart()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        string path = await LifecycleRaceTests.SaveAsync(floor, vm);
        VmRecord saved = floor.Db.LoadVms().Single();

        VmActor again = await RestartAsync(floor, saved with { Pid = 77 }, "running");

        Assert.Equal((VmState.Running, (string?)null, 77), (again.Record.State, again.Record.SavePath, again.Pid));
    }

    /// <summary>Starts a save of <paramref name="vm"/> and returns its row as it was while the stream ran (then the save completes).</summary>
    private static async Task<VmRecord> SaveCutAsync(VmFloor floor, VmActor vm, string path)
    {
        FakeQmp qmp = floor.QemuOf(vm).Monitor;
        VmRecord? atKill = null;
        qmp.Answer("query-migrate", """{"status": "completed"}""");
        qmp.Answer("migrate", _ =>
        {
            atKill = floor.Db.LoadVms().Single();
            using var f = new FileStream(path, FileMode.Append);
            f.Write(new byte[8192]);
            return "{}";
        });
        Assert.True((await vm.RunAsync(floor.Commands.Save(path))).IsOk);
        return atKill!;
    }

    /// <summary>As after kill -9 of hospesd at the moment <paramref name="atKill"/> was the row: its QEMU runs on, in <paramref name="status"/>.</summary>
    private static async Task<VmActor> RestartAsync(VmFloor floor, VmRecord atKill, string status, Action<FakeQmp>? script = null)
    {
        Assert.NotNull(atKill.Pid);
        await floor.Vms.DisposeAsync();
        floor.Db.Update(atKill);
        var qmp = new FakeQmp { Status = status };
        script?.Invoke(qmp);
        floor.Qemu.Running[atKill.Pid.Value] = new FakeQemu(atKill.Pid.Value, qmp);
        VmActor again = floor.RestartVms(atKill.Name);
        await again.RunAsync(floor.Commands.Reconcile());
        return again;
    }

    /// <summary>`hospes restore FILE` continues the guest (the stream faked).</summary>
    private static async Task AssertRestoresAsync(VmFloor floor, string path)
    {
        floor.Qemu.OnLaunch = q => q.Monitor.Answer("query-migrate", """{"status": "completed"}""");
        Result<VmActor> restored = await floor.Vms.RestoreAsync(path, paused: false, CancellationToken.None);
        Assert.True(restored.IsOk, restored.Error?.Message);
        Assert.Equal((VmState.Running, (string?)null), (restored.Value.Record.State, restored.Value.Record.SavePath));
        Assert.Equal(VmState.Running, floor.Db.LoadVms().Single().State);
    }
}
