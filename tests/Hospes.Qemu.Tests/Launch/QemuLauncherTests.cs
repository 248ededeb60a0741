using System.Diagnostics;
using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Host;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;

namespace Hospes.Qemu.Tests.Launch;

/// <summary>Real QEMU processes, no guest: what the launcher and the QMP client promise.</summary>
public class QemuLauncherTests
{
    private static readonly QemuLauncher Launcher = new(TimeProvider.System);

    private static readonly string Qemu = QemuBinary.FindOnPath("qemu-system-x86_64")
        ?? throw new InvalidOperationException("qemu-system-x86_64 is not installed: run ./setup.sh");

    private static VmRuntimePaths PathsIn(TempDir dir) => new()
    {
        QmpSocket = dir.File("q.qmp"),
        ConsoleSocket = dir.File("q.console"),
        ConsoleLog = dir.File("console.log"),
        PidFile = dir.File("q.pid"),
        QemuLog = dir.File("qemu.log"),
        QmpLog = dir.File("qmp.log"),
    };

    private static string[] NoGuest(VmRuntimePaths p) =>
    [
        "-machine", "microvm", "-accel", "tcg", "-nodefaults", "-no-user-config", "-display", "none", "-S",
        "-chardev", $"socket,id=qmp0,path={p.QmpSocket},server=on,wait=off", "-mon", "chardev=qmp0,mode=control",
        "-pidfile", p.PidFile,
    ];

    [Fact]
    public async Task Launch_ConnectsQmp_AndQuitEndsTheProcessAndClosesQmp()
    {
        using var dir = new TempDir();
        VmRuntimePaths paths = PathsIn(dir);
        Result<IQemuProcess> started = await Launcher.LaunchAsync(Qemu, NoGuest(paths), paths, CancellationToken.None);
        Assert.True(started.IsOk, started.Error?.Message);
        await using IQemuProcess q = started.Value;
        try
        {
            Assert.True(q.Qmp.QemuVersion >= new Version(9, 0));
            Assert.Equal(QemuRunState.Paused, await q.Qmp.QueryStatusAsync());
            Assert.Equal(q.Pid, int.Parse(File.ReadAllText(paths.PidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));

            await q.Qmp.QuitAsync();
            await q.Qmp.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            await q.WaitForExitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

            Assert.False(ProcFs.IsAlive(q.Pid));
            await Assert.ThrowsAsync<QmpDisconnectedException>(() => q.Qmp.QueryStatusAsync());
            Assert.Contains("\"execute\":\"quit\"", File.ReadAllText(paths.QmpLog), StringComparison.Ordinal);
        }
        finally
        {
            ProcFs.Signal(q.Pid, ProcFs.SigKill);
        }
    }

    [Fact]
    public async Task Launch_WithSmallPages_RunsQemuWithHugePagesOff_AndLeavesThemOnForOthersAndForHospesd()
    {
        foreach (bool small in (bool[])[true, false])
        {
            using var dir = new TempDir();
            VmRuntimePaths paths = PathsIn(dir);
            IQemuProcess q = (await Launcher.LaunchAsync(Qemu, NoGuest(paths), paths, CancellationToken.None, smallPages: small)).Value;
            try
            {
                Assert.Equal(small, HugePages.OffFor(q.Pid));
                Assert.False(HugePages.OffFor(Environment.ProcessId));
            }
            finally
            {
                ProcFs.Signal(q.Pid, ProcFs.SigKill);
                await q.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Launch_ProcessRunsInItsOwnSession_SoItOutlivesItsStarter()
    {
        using var dir = new TempDir();
        VmRuntimePaths paths = PathsIn(dir);
        IQemuProcess q = (await Launcher.LaunchAsync(Qemu, NoGuest(paths), paths, CancellationToken.None)).Value;
        try
        {
            string stat = File.ReadAllText($"/proc/{q.Pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            int sessionId = int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(q.Pid, sessionId);
            Assert.Contains(paths.QmpSocket, string.Join(' ', ProcFs.CommandLine(q.Pid)), StringComparison.Ordinal);

            // A second client (a restarted hospesd) can attach once the first has gone.
            await q.Qmp.DisposeAsync();
            IQemuProcess? again = await Launcher.AttachAsync(q.Pid, paths, CancellationToken.None);
            Assert.NotNull(again);
            await using (again)
            {
                Assert.Equal(QemuRunState.Paused, await again.Qmp.QueryStatusAsync());
            }
        }
        finally
        {
            ProcFs.Signal(q.Pid, ProcFs.SigKill);
        }
    }

    [Fact]
    public async Task Attach_ToAPidThatIsNotThisVmsQemu_ReturnsNull()
    {
        using var dir = new TempDir();
        Assert.Null(await Launcher.AttachAsync(Environment.ProcessId, PathsIn(dir), CancellationToken.None));
        Assert.Null(await Launcher.AttachAsync(int.MaxValue - 1, PathsIn(dir), CancellationToken.None));
    }

    [Fact]
    public async Task Launch_WithArgumentsQemuRefuses_ReturnsQemusOwnReason_AndLeavesNoProcess()
    {
        using var dir = new TempDir();
        VmRuntimePaths paths = PathsIn(dir);
        string[] args = [.. NoGuest(paths), "-kernel", dir.File("no-such-kernel")];

        Result<IQemuProcess> started = await Launcher.LaunchAsync(Qemu, args, paths, CancellationToken.None);

        Assert.False(started.IsOk);
        Assert.StartsWith("QEMU refused to start: ", started.Error.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-kernel", started.Error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(paths.QmpSocket));
    }

    [Fact]
    public async Task Events_ArriveOnTheChannel()
    {
        using var dir = new TempDir();
        VmRuntimePaths paths = PathsIn(dir);
        await using IQemuProcess q = (await Launcher.LaunchAsync(Qemu, NoGuest(paths), paths, CancellationToken.None)).Value;
        try
        {
            await q.Qmp.ContAsync();
            await q.Qmp.StopAsync();
            var names = new List<string>();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await foreach (QmpEvent e in q.Qmp.Events.ReadAllAsync(cts.Token))
            {
                names.Add(e.Name);
                if (e.Name == "STOP")
                {
                    break;
                }
            }

            Assert.Equal(["RESUME", "STOP"], names);
        }
        finally
        {
            ProcFs.Signal(q.Pid, ProcFs.SigKill);
        }
    }

    [Fact]
    public async Task Launch_WhenTheVmsSocketExists_IsRefused_AndNothingIsDeleted()
    {
        using var dir = new TempDir();
        VmRuntimePaths paths = PathsIn(dir);
        File.WriteAllText(paths.ConsoleSocket, "another QEMU's");

        Result<IQemuProcess> started = await Launcher.LaunchAsync(Qemu, NoGuest(paths), paths, CancellationToken.None);

        Assert.False(started.IsOk);
        Assert.Equal(ErrorCode.Conflict, started.Error.Code);
        Assert.Contains(paths.ConsoleSocket, started.Error.Message, StringComparison.Ordinal);
        Assert.Equal("another QEMU's", File.ReadAllText(paths.ConsoleSocket));
        Assert.False(File.Exists(paths.QmpSocket));
    }

    [Fact]
    public async Task Kill_OfAQemuThatHasEnded_NeverReachesTheProcessThatGotItsPid()
    {
        using var dir = new TempDir();
        VmRuntimePaths paths = PathsIn(dir);
        IQemuProcess first = (await Launcher.LaunchAsync(Qemu, NoGuest(paths), paths, CancellationToken.None)).Value;
        int pid = first.Pid;
        await first.Qmp.DisposeAsync();

        // As after a restart of hospesd: attached by pid, then the QEMU ends and its pid is free for anyone.
        await using (IQemuProcess attached = (await Launcher.AttachAsync(pid, paths, CancellationToken.None))!)
        {
            ProcFs.Signal(pid, ProcFs.SigKill);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

            using Process stranger = StartWithPid(pid);
            try
            {
                await attached.KillAsync(CancellationToken.None);

                Assert.False(stranger.WaitForExit(TimeSpan.FromSeconds(1)), "SIGKILL by a reused pid hit a process that is not the QEMU");
            }
            finally
            {
                stranger.Kill();
            }
        }
    }

    /// <summary>A `sleep` with exactly <paramref name="pid"/> (root: the kernel's next pid is set, other processes may race; retried).</summary>
    private static Process StartWithPid(int pid)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            File.WriteAllText("/proc/sys/kernel/ns_last_pid", (pid - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var p = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
            if (p.Id == pid)
            {
                return p;
            }

            p.Kill();
            p.WaitForExit();
            p.Dispose();
        }

        throw new InvalidOperationException($"could not start a process with pid {pid}");
    }
}
