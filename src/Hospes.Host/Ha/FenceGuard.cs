using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hospes.Core.Json;
using Hospes.Host.Cluster.Ha;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Ha;

/// <summary>
/// hospesd's side of the fence guard (<see cref="FenceGuardMain"/>): takes over a running guard of this state dir (pid
/// file, command line) or starts one in its own session (setsid, as the etcd member), writes its orders (atomically:
/// a temporary file renamed over them) and collects what it killed. Used by the fence loop only, one thread at a time.
/// </summary>
internal sealed partial class FenceGuard
{
    // A rewrite when the deadline moved by more than this (each round recomputes it from two clocks) or the list changed.
    private const long Jitter = 100;
    private readonly FenceGuardFiles _files;
    private readonly string? _program;
    private readonly ILogger _log;
    private FenceGuardOrders? _written;
    private bool _looked;
    private bool _launchFailed;
    private int _pid;
    private string? _lastTrouble;

    public FenceGuard(string stateDir, string? program, ILogger log)
    {
        _files = new FenceGuardFiles(stateDir);
        _program = program;
        _log = log;
    }

    /// <summary>The guard's pid; 0 when none runs for this hospesd.</summary>
    public int Pid => _pid;

    /// <summary>The deadline of the orders in force (hospesd's last, or those a previous hospesd left: read at the first call); null when they guard nothing.</summary>
    public long? Deadline
    {
        get
        {
            LookOnce();
            return _written is { Qemus.Count: > 0 } w ? w.DeadlineMs : null;
        }
    }

    /// <summary>Whether orders in force guard any QEMU.</summary>
    public bool Armed => Deadline is not null;

    /// <summary>
    /// One fence round's orders: written when they changed; the guard started when there is something to guard and
    /// none runs (taken over when a previous hospesd's still runs).
    /// </summary>
    public async Task OrderAsync(FenceGuardOrders orders, CancellationToken ct)
    {
        LookOnce();
        if (_written is null || orders.Qemus.Count != _written.Qemus.Count || !orders.Qemus.SequenceEqual(_written.Qemus) || Math.Abs(orders.DeadlineMs - _written.DeadlineMs) > Jitter)
        {
            Write(orders);
        }

        if (_pid != 0 && !IsOurs(_pid))
        {
            LogTrouble($"the guard (pid {_pid}) is gone (see {_files.Log}); starting it again");
            _pid = 0;
        }

        if (_pid == 0 && orders.Qemus.Count > 0)
        {
            await LaunchAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Logs a failure around the guard (its files, its start), once until a different one comes.</summary>
    public void Trouble(string why)
    {
        if (why != _lastTrouble)
        {
            LogTrouble(why);
            _lastTrouble = why;
        }
    }

    /// <summary>The guard's kills since the last call (the file is taken by a rename, so a kill written meanwhile goes to the next call).</summary>
    public IReadOnlyList<GuardKill> TakeKills()
    {
        string taken = _files.Fired + ".taken";
        try
        {
            File.Move(_files.Fired, taken, overwrite: true);
        }
        catch (FileNotFoundException)
        {
            return [];
        }

        var kills = new List<GuardKill>();
        foreach (string line in File.ReadAllLines(taken).Where(l => l.Length > 0))
        {
            try
            {
                kills.Add(JsonSerializer.Deserialize<GuardKill>(line, HospesJson.Options)!);
            }
            catch (JsonException)
            {
                // A line cut by a crash of the guard: the rest still counts.
            }
        }

        File.Delete(taken);
        return kills;
    }

    /// <summary>
    /// A clean stop: the HA QEMUs run on without hospesd (frozen, or already killed by the freeze), so the guard must not
    /// kill them: its orders become empty, then it is stopped.
    /// </summary>
    public async Task StandDownAsync()
    {
        LookOnce();
        if (_written is null && _pid == 0)
        {
            return;
        }

        Write(new FenceGuardOrders(0, []));
        if (_pid != 0 && IsOurs(_pid))
        {
            GuardProcs.Signal(_pid, GuardProcs.SigTerm);
            for (int i = 0; i < 50 && IsOurs(_pid); i++)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }

            if (IsOurs(_pid))
            {
                GuardProcs.Kill(_pid);
            }
        }

        File.Delete(_files.Pid);
        File.Delete(_files.Orders);
        LogStoodDown(_pid);
        _pid = 0;
    }

    /// <summary>The first call: a guard a previous hospesd left running is taken over, with the deadline it was given.</summary>
    private void LookOnce()
    {
        if (_looked)
        {
            return;
        }

        _looked = true;
        _written = FenceGuardMain.Read(_files.Orders);
        if (ReadPid() is int pid && IsOurs(pid))
        {
            _pid = pid;
            LogStarted("taken over", pid, _files.Log);
        }
    }

    private void Write(FenceGuardOrders orders)
    {
        string temporary = _files.Orders + ".new";
        File.WriteAllText(temporary, JsonSerializer.Serialize(orders, HospesJson.Options));
        File.Move(temporary, _files.Orders, overwrite: true);
        _written = orders;
    }

    private async Task LaunchAsync(CancellationToken ct)
    {
        if (_program is null)
        {
            return;
        }

        try
        {
            File.Delete(_files.Pid);

            // setsid -f: its own session, not our child (it outlives a hospesd killed with -9); the shell writes its pid, then becomes the guard.
            var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
            foreach (string a in (string[])["-f", "/bin/sh", "-c", "echo $$ >\"$0\"; exec \"$1\" --fence-guard \"$2\" >>\"$3\" 2>&1 </dev/null", _files.Pid, _program, _files.StateDir, _files.Log])
            {
                start.ArgumentList.Add(a);
            }

            using (Process p = Process.Start(start) ?? throw new InvalidOperationException("could not start setsid for the fence guard"))
            {
                await p.WaitForExitAsync(ct).ConfigureAwait(false);
            }

            for (int i = 0; i < 100 && (ReadPid() is not int pid || !IsOurs(pid)); i++)
            {
                await Task.Delay(20, ct).ConfigureAwait(false);
            }

            _pid = ReadPid() is int started && IsOurs(started) ? started : throw new InvalidOperationException($"the fence guard did not start; see {_files.Log}");
            _launchFailed = false;
            LogStarted("started", _pid, _files.Log);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Tried again next round; said once until it works.
            if (!_launchFailed)
            {
                LogTrouble($"could not start it ({e.Message}): only hospesd's own fence guards the HA VMs here; trying again every round");
            }

            _launchFailed = true;
        }
    }

    private int? ReadPid()
    {
        try
        {
            return int.TryParse(File.ReadAllText(_files.Pid).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A live guard whose command line names this state dir: never a reused pid.</summary>
    private bool IsOurs(int pid)
    {
        if (pid <= 0 || GuardProcs.StartOf(pid) is null)
        {
            return false;
        }

        try
        {
            string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return argv.Length > 2 && argv.Contains("--fence-guard") && argv.Contains(_files.StateDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
