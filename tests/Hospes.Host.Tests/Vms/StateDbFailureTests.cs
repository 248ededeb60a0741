using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Testing.Fakes;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.Tests.Vms;

/// <summary>
/// Finding #18: a state-DB write that fails (disk full) never leaves a running QEMU the DB does not know; the step it
/// belonged to is undone. The failure is made by a trigger in the DB itself, so the real write path fails.
/// </summary>
public sealed class StateDbFailureTests
{
    [Fact]
    public async Task AStartThatCannotBeRecorded_EndsItsQemu_AndTheVmStaysShutoff()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.DefineAsync(floor.Spec("web"));
        FailWrites(floor, "NEW.pid IS NOT NULL");

        Result<VmRecord> started = await vm.RunAsync(floor.Commands.Start());

        Assert.Equal(ErrorCode.Internal, started.Error?.Code);
        Assert.Contains("database or disk is full", started.Error!.Message, StringComparison.Ordinal);
        Assert.False(floor.Qemu.Last!.IsAlive);
        Assert.Null(vm.Pid);
        Assert.Equal(VmState.Shutoff, vm.Record.State);
        LifecycleRaceTests.AssertEveryQemuIsKnown(floor);
    }

    [Fact]
    public async Task ASaveThatCannotBeRecordedAsDone_IsUndone_TheFileGoes_AndTheGuestContinues()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        FakeQmp qmp = floor.QemuOf(vm).Monitor;
        qmp.Answer("query-migrate", """{"status": "completed"}""");
        string path = Path.Combine(floor.Options.StateDir, "web.save");
        FailWrites(floor, "NEW.state = 'Saved'");

        Result<VmRecord> saved = await vm.RunAsync(floor.Commands.Save(path));

        Assert.Equal(ErrorCode.Internal, saved.Error?.Code);
        Assert.False(File.Exists(path));
        Assert.Equal("cont", qmp.Asked[^1]);
        Assert.True(floor.QemuOf(vm).IsAlive);
        Assert.Equal(VmState.Running, vm.Record.State);
    }

    [Fact]
    public async Task ARestoreThatCannotBeRecordedAsDone_NeverRunsTheGuest_AndTheVmStaysSavedInItsFile()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        string path = await LifecycleRaceTests.SaveAsync(floor, vm);
        floor.Qemu.OnLaunch = q => q.Monitor.Answer("query-migrate", """{"status": "completed"}""");
        FailWrites(floor, "NEW.state = 'Running'");

        Result<VmRecord> started = await vm.RunAsync(floor.Commands.Start());

        Assert.Equal(ErrorCode.Internal, started.Error?.Code);
        FakeQemu restoring = floor.Qemu.Last!;
        Assert.DoesNotContain("cont", restoring.Monitor.Asked);
        Assert.False(restoring.IsAlive);
        Assert.Null(vm.Pid);
        VmRecord row = floor.Db.LoadVms().Single();
        Assert.Equal((VmState.Saved, path), (row.State, row.SavePath));
    }

    /// <summary>From now on, an update of the VM's row that makes <paramref name="when"/> true fails as on a full disk.</summary>
    private static void FailWrites(VmFloor floor, string when)
    {
        using var c = new SqliteConnection($"Data Source={floor.Options.DatabasePath}");
        c.Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = $"CREATE TRIGGER disk_full BEFORE UPDATE ON vms WHEN {when} BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;";
        cmd.ExecuteNonQuery();
    }
}
