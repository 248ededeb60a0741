using System.Diagnostics;
using System.Net.Sockets;
using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Logs;
using Hospes.Qemu.Qmp;

namespace Hospes.Qemu.Launch;

/// <summary>
/// Starts one QEMU per VM in its own session so that it outlives hospesd, with its output in a file,
/// and connects QMP once the monitor socket answers. <paramref name="logMaxBytes"/>: what each of a VM's logs may take (<see cref="LogCap"/>).
/// </summary>
public sealed class QemuLauncher(TimeProvider time, long logMaxBytes = (long)LogCap.DefaultMaxMib << 20) : IQemuLauncher
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    public async Task<Result<IQemuProcess>> LaunchAsync(string qemuPath, IReadOnlyList<string> arguments, VmRuntimePaths paths, CancellationToken ct, bool smallPages = false)
    {
        // Sockets are named by the VM's whole uuid: one that exists belongs to a QEMU of this VM that still runs, or
        // one whose end nobody saw. Either way it is not ours to delete (finding #21).
        if (new[] { paths.QmpSocket, paths.ConsoleSocket, paths.PidFile, paths.AgentSocket }.OfType<string>().FirstOrDefault(Path.Exists) is { } taken)
        {
            return HospesError.Conflict(
                $"QEMU cannot start: {taken} exists, so another QEMU of this VM may still run; end it (its pid is in {paths.PidFile}), or remove {taken} if none runs");
        }

        long logStart = AppendHeader(paths.QemuLog, qemuPath, arguments, time);
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };

        // exec keeps one pid from sh to setsid to QEMU; setsid puts QEMU in its own session, away from
        // hospesd's terminal and process group, so signals meant for hospesd do not reach guests.
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec setsid \"$0\" \"$@\" </dev/null >>\"$HOSPES_QEMU_LOG\" 2>&1");
        psi.ArgumentList.Add(qemuPath);
        foreach (string arg in arguments)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["HOSPES_QEMU_LOG"] = paths.QemuLog;
        Process process = HugePages.Start(smallPages, () => Process.Start(psi)) ?? throw new InvalidOperationException("Process.Start returned null");

        // Opened while the child cannot have been reaped yet (HasExited below says so), so it is this QEMU's handle.
        PidFd? handle = PidFd.Open(process.Id);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (handle is null || process.HasExited)
            {
                string reason = ReadReason(paths.QemuLog, logStart);
                handle?.Dispose();
                process.Dispose();
                RemoveFiles(paths); // QEMU does not unlink its sockets when it fails during init
                return HospesError.Unavailable($"QEMU refused to start: {reason}");
            }

            if (File.Exists(paths.QmpSocket))
            {
                var qmpLog = new QmpLog(paths.QmpLog, time, logMaxBytes);
                try
                {
                    QmpConnection qmp = await QmpConnection.ConnectAsync(paths.QmpSocket, qmpLog, time, ct).ConfigureAwait(false);
                    return new RunningQemu(handle, qmp, qmpLog, process, time);
                }
                catch (Exception e) when (e is SocketException or QmpDisconnectedException or IOException)
                {
                    qmpLog.Dispose();
                }
            }

            if (clock.Elapsed > StartLimit)
            {
                handle.Signal(PidFd.SigKill);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                handle.Dispose();
                process.Dispose();
                RemoveRuntimeFiles(paths);
                return new HospesError(ErrorCode.Timeout, $"QEMU did not open its monitor socket within {StartLimit.TotalSeconds:0} s; see {paths.QemuLog}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Reconnects to a QEMU started by an earlier hospesd, if it still runs and is the one we started.</summary>
    public async Task<IQemuProcess?> AttachAsync(int pid, VmRuntimePaths paths, CancellationToken ct)
    {
        // The handle first, then the checks: they then speak of the process the handle holds, even if the pid is reused.
        PidFd? handle = PidFd.Open(pid);
        if (handle is null || handle.HasExited || !ProcFs.CommandLine(pid).Any(a => a.Contains(paths.QmpSocket, StringComparison.Ordinal)))
        {
            handle?.Dispose();
            return null;
        }

        var qmpLog = new QmpLog(paths.QmpLog, time, logMaxBytes);
        try
        {
            QmpConnection qmp = await QmpConnection.ConnectAsync(paths.QmpSocket, qmpLog, time, ct).ConfigureAwait(false);
            return new RunningQemu(handle, qmp, qmpLog, null, time);
        }
        catch (Exception e) when (e is SocketException or QmpDisconnectedException or IOException)
        {
            qmpLog.Dispose();
            handle.Dispose();
            return null;
        }
    }

    /// <summary>The sockets and pid file of one run; logs stay.</summary>
    public void RemoveRuntimeFiles(VmRuntimePaths paths) => RemoveFiles(paths);

    private static void RemoveFiles(VmRuntimePaths paths)
    {
        File.Delete(paths.QmpSocket);
        File.Delete(paths.ConsoleSocket);
        File.Delete(paths.PidFile);
        if (paths.VncSocket is { } vnc)
        {
            File.Delete(vnc);
        }

        if (paths.AgentSocket is { } agent)
        {
            File.Delete(agent);
        }
    }

    private static long AppendHeader(string logPath, string qemuPath, IReadOnlyList<string> arguments, TimeProvider time)
    {
        using var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite));
        log.WriteLine($"# {time.GetUtcNow():O} hospesd starts: {ShellQuote.Join([qemuPath, .. arguments])}");
        log.Flush();
        return log.BaseStream.Position;
    }

    private static string ReadReason(string logPath, long offset)
    {
        try
        {
            using var f = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            f.Seek(offset, SeekOrigin.Begin);
            string text = new StreamReader(f).ReadToEnd();
            string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (lines.Length == 0)
            {
                return $"it exited without a message; see {logPath}";
            }

            // "2026-11-22T04:00:00.000000Z qemu-system-x86_64: -kernel /x: could not open..." -> the part after the program name
            string last = lines[^1];
            int colon = last.IndexOf("qemu-system-x86_64: ", StringComparison.Ordinal);
            return colon >= 0 ? last[(colon + "qemu-system-x86_64: ".Length)..] : last;
        }
        catch (IOException)
        {
            return $"it exited; see {logPath}";
        }
    }
}
