using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hospes.Contracts;
using Hospes.Qemu.Qmp;
using Hospes.Testing;
using Hospes.Testing.Bench;

namespace Hospes.Bench.Fork;

/// <summary>
/// A private hospesd with the tiny image. Each round boots a parent (`forkable = 1`, `memory = 256`, no vif), forks it
/// and times until every fork answers a command on its console; the same recipe by hand with plain QEMU commands; and
/// linked clones cold-booted.
/// </summary>
internal sealed partial class ForkLab : IAsyncDisposable
{
    public const int GuestMib = 256;

    /// <summary>
    /// The line every fork is sent on its console; only a running shell prints <see cref="Answer"/> (the echo of the line
    /// itself does not), followed by the guest's host name: a Hospes fork must answer with its own (its identity took).
    /// </summary>
    public const string Probe = "echo FORK-$((40+2))-$(hostname)-OK";
    public const string Answer = "FORK-42-";

    private static readonly TimeSpan ReadyLimit = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromMinutes(15);

    /// <summary>How long idle CPU is measured over (--idle SECONDS).</summary>
    public static TimeSpan Idle { get; set; } = TimeSpan.FromSeconds(60);

    private readonly Daemon _daemon;
    private readonly List<Process> _plain = [];
    private PlainQemu? _cmd;

    private ForkLab(Daemon daemon)
    {
        _daemon = daemon;
    }

    /// <summary>As many plain children start at once as Hospes starts forks at once (2 per core).</summary>
    public static int Parallelism => Math.Max(2, Environment.ProcessorCount * 2);

    public string QemuVersion { get; private set; } = "";

    public string Accel { get; private set; } = "";

    public string ParentShown { get; private set; } = "";

    public string ChildShown { get; private set; } = "";

    private PlainQemu Cmd => _cmd ?? throw new InvalidOperationException("the plain command line is learned in StartAsync");

    public static async Task<ForkLab> StartAsync()
    {
        var lab = new ForkLab(await Daemon.StartAsync(new DaemonOptions { TempPrefix = "hfork-", CliTimeout = Timeout.InfiniteTimeSpan }));
        try
        {
            (await lab._daemon.CliAsync("image", "build", "tiny")).Ok();
            HostInfo host = await lab._daemon.HostInfoAsync();
            lab.QemuVersion = "QEMU " + host.QemuVersion;
            lab.Accel = host.Accelerator ?? "";
            (await lab._daemon.CliAsync("create", lab._daemon.WriteConfig("probe.cfg", Config("probe")))).Ok();
            lab._cmd = await PlainQemu.LearnAsync(lab._daemon, "probe");
            (await lab._daemon.CliAsync("delete", "probe", "--force")).Ok();
            lab.ParentShown = lab.Cmd.Shown(lab.PlainArgs("SHM/ram", share: true, "DIR/parent"));
            lab.ChildShown = lab.Cmd.Shown([.. lab.PlainArgs("SHM/ram", share: false, "DIR/child-N"), "-incoming", "defer"]);
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }

        return lab;
    }

    public static string Config(string name) =>
        $"name = \"{name}\"\nkernel = \"image:tiny\"\nmemory = {GuestMib}\nvcpus = 1\nforkable = 1\n";

    /// <summary>
    /// Boots a parent, measures it booted, then `hospes fork` into <paramref name="count"/> and waits until every fork
    /// answers on its console. Returns the forks' figures and the booted parent's (PSS, anon, idle CPU).
    /// </summary>
    public async Task<(ForkUse Forks, ForkUse Booted, double ForkCommandSeconds)> HospesForkAsync(int run, int count)
    {
        string parent = $"p{run}";
        (await _daemon.CliAsync("create", _daemon.WriteConfig(parent + ".cfg", Config(parent)))).Ok();
        await _daemon.WaitForConsoleAsync(parent, Guest.Ready, limit: ReadyLimit);
        await Task.Delay(TimeSpan.FromSeconds(3));
        int ppid = (await _daemon.InfoAsync(parent)).Pid ?? throw new InvalidOperationException($"{parent} has no QEMU");
        (double bPss, double bAnon, double bCpu) = await Rollup.MeasureAsync([ppid], Idle);
        var booted = new ForkUse(0, bPss, bAnon, bCpu);

        double daemonCpu = Rollup.CpuSeconds(_daemon.Pid);
        var clock = Stopwatch.StartNew();
        ForkResult forked = await _daemon.JsonAsync<ForkResult>("fork", parent, $"f{run}-{{i}}", "--count", count.ToString(CultureInfo.InvariantCulture));
        double forkCommand = clock.Elapsed.TotalSeconds;
        if (forked.Failed.Count > 0)
        {
            throw new InvalidOperationException($"{forked.Failed.Count} forks failed: {forked.Failed[0].Error}");
        }

        await Task.WhenAll(forked.Forks.Select(f => AnswersAsync(f.Name, f.Name)));
        double seconds = clock.Elapsed.TotalSeconds;
        await ForkSettle.SettleAsync(_daemon, [.. forked.Forks.Select(f => f.Name)], clock);
        daemonCpu = Rollup.CpuSeconds(_daemon.Pid) - daemonCpu;

        // hospesd's log of the run, for where its time went (timestamps per child): kept beside the bench's output.
        File.Copy(_daemon.LogPath, Path.Combine(Path.GetTempPath(), $"hospes-bench-fork-run{run}.log"), overwrite: true);
        var pids = new List<int>();
        foreach (ForkedVmInfo f in forked.Forks)
        {
            pids.Add((await _daemon.InfoAsync(f.Name)).Pid ?? throw new InvalidOperationException($"{f.Name} has no QEMU"));
        }

        (double pss, double anon, double cpu, double each) = await Rollup.MeasureAllAsync(pids, Idle);
        await HostProcesses.KillAllAsync(_daemon.StateDir + "/", "qemu-system");
        return (new ForkUse(seconds, pss, anon, cpu) { CpuSecondsEach = each, DaemonCpuSeconds = daemonCpu }, booted, forkCommand);
    }

    /// <summary>The same recipe with plain QEMU commands: a parent on a shared file, its device state saved with
    /// x-ignore-shared, children that map the file privately and load it, as many starting at once as Hospes starts.</summary>
    public async Task<ForkUse> PlainForkAsync(int run, int count)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_daemon.Dir, $"plain-{run}")).FullName;
        string shm = Directory.CreateDirectory($"/dev/shm/hospes-bench-fork-{Environment.ProcessId}-{run}").FullName;
        try
        {
            string ram = Path.Combine(shm, "ram"), state = Path.Combine(shm, "state");
            Process parent = Start(PlainArgs(ram, share: true, Path.Combine(dir, "parent")));
            await ConsoleFile.WaitForAsync(Path.Combine(dir, "parent.log"), Guest.Ready, ReadyLimit, TimeSpan.FromMilliseconds(50));
            await Task.Delay(TimeSpan.FromSeconds(3));
            await using (QmpConnection qmp = await ConnectAsync(Path.Combine(dir, "parent.qmp")))
            {
                await qmp.ExecuteAsync("stop", null, logged: false);
                await qmp.ExecuteAsync("migrate-set-capabilities", Caps(events: false), logged: false);
                await qmp.ExecuteAsync("migrate", new JsonObject { ["uri"] = $"file:{state}" }, logged: false);
                while ((await qmp.ExecuteAsync("query-migrate", null, logged: false)).GetProperty("status").GetString() != "completed")
                {
                    await Task.Delay(5);
                }
            }

            parent.Kill();
            await parent.WaitForExitAsync();

            var clock = Stopwatch.StartNew();
            using var slots = new SemaphoreSlim(Parallelism);
            int[] pids = await Task.WhenAll(Enumerable.Range(1, count).Select(async i =>
            {
                string c = Path.Combine(dir, $"child-{i}");
                await slots.WaitAsync();
                Process child;
                try
                {
                    child = Start([.. PlainArgs(ram, share: false, c), "-incoming", "defer"]);
                    await using QmpConnection qmp = await ConnectAsync(c + ".qmp");
                    await qmp.ExecuteAsync("migrate-set-capabilities", Caps(events: true), logged: false);
                    await qmp.ExecuteAsync("migrate-incoming", new JsonObject { ["uri"] = $"file:{state}" }, logged: false);
                    while (await qmp.Events.ReadAsync() is var e && !(e.Name == "MIGRATION" && e.GetString("status") is "completed" or "failed"))
                    {
                    }

                    await qmp.ExecuteAsync("cont", null, logged: false);
                }
                finally
                {
                    slots.Release();
                }

                await SocketAnswersAsync(c + ".sock");
                return child.Id;
            }));
            double seconds = clock.Elapsed.TotalSeconds;
            (double pss, double anon, double cpu, double each) = await Rollup.MeasureAllAsync(pids, Idle);
            return new ForkUse(seconds, pss, anon, cpu) { CpuSecondsEach = each };
        }
        finally
        {
            await StopPlainAsync();
            Directory.Delete(shm, recursive: true);
        }
    }

    /// <summary>`hospes clone TEMPLATE --count N --start` of the same guest, cold-booted, until every clone answers on its console.</summary>
    public async Task<ForkUse> HospesCloneBootAsync(int run, int count)
    {
        string tmpl = $"t{run}";
        (await _daemon.CliAsync("define", _daemon.WriteConfig(tmpl + ".cfg", $"name = \"{tmpl}\"\nkernel = \"image:tiny\"\nmemory = {GuestMib}\nvcpus = 1\n"))).Ok();
        (await _daemon.CliAsync("template", "create", tmpl, "--name", tmpl + "-tmpl")).Ok();
        var clock = Stopwatch.StartNew();
        CliResult made = await _daemon.CliAsync("clone", tmpl + "-tmpl", $"c{run}-{{i}}", "--count", count.ToString(CultureInfo.InvariantCulture), "--start", "--timeout", "3600");

        // Clones the host's memory cannot hold (clone --start's admission: guest + QEMU each, against what is available)
        // are made but not started: this anchor then counts the clones that booted and says how many were refused.
        // Any other failure ends the run.
        var refused = new HashSet<string>(StringComparer.Ordinal);
        string? why = null;
        if (made.ExitCode != 0)
        {
            foreach (Match m in NotStarted().Matches(made.Stdout + made.Stderr))
            {
                refused.Add(m.Groups[1].Value);
                why ??= m.Groups[2].Value;
            }

            if (refused.Count == 0)
            {
                made.Ok();
            }
        }

        string[] names = [.. Enumerable.Range(1, count).Select(i => $"c{run}-{i}").Where(n => !refused.Contains(n))];
        await Task.WhenAll(names.Select(n => AnswersAsync(n, null)));
        double seconds = clock.Elapsed.TotalSeconds;
        var pids = new List<int>();
        foreach (string n in names)
        {
            pids.Add((await _daemon.InfoAsync(n)).Pid ?? throw new InvalidOperationException($"{n} has no QEMU"));
        }

        (double pss, double anon, double cpu) = await Rollup.MeasureAsync(pids, Idle);
        await HostProcesses.KillAllAsync(_daemon.StateDir + "/", "qemu-system");
        return new ForkUse(seconds, pss, anon, cpu) { Count = names.Length, Refused = why is null ? null : $"{refused.Count} not started: {why}" };
    }

    [GeneratedRegex(@"failed: (c\d+-\d+): not started: (host memory holds [^;]+)")]
    private static partial Regex NotStarted();

    public async ValueTask DisposeAsync()
    {
        await StopPlainAsync();

        // hospesd is ended with its guests; their RAM files on tmpfs go with it (Daemon.DisposeAsync deletes its RamRoot).
        await _daemon.DisposeAsync();
    }

    private static JsonObject Caps(bool events)
    {
        var caps = new JsonArray { new JsonObject { ["capability"] = "x-ignore-shared", ["state"] = true } };
        if (events)
        {
            caps.Add(new JsonObject { ["capability"] = "events", ["state"] = true });
        }

        return new JsonObject { ["capabilities"] = caps };
    }

    private static async Task<QmpConnection> ConnectAsync(string socket)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await QmpConnection.ConnectAsync(socket, new QmpLog(null, TimeProvider.System), TimeProvider.System, CancellationToken.None);
            }
            catch (Exception e) when ((e is SocketException or IOException or QmpDisconnectedException) && clock.Elapsed < ReadyLimit)
            {
                await Task.Delay(5);
            }
        }
    }

    /// <summary>
    /// Sends <see cref="Probe"/> on a guest's console (again every 2 s) until <see cref="Answer"/> comes back, with
    /// <paramref name="hostname"/> after it when given.
    /// </summary>
    private async Task AnswersAsync(string vm, string? hostname)
    {
        string answer = hostname is null ? Answer : $"{Answer}{hostname}-OK";
        await using GuestConsole console = await _daemon.OpenConsoleAsync(vm);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await console.SendLineAsync(Probe);
            try
            {
                await console.WaitForAsync(answer, TimeSpan.FromSeconds(2));
                return;
            }
            catch (TimeoutException) when (clock.Elapsed < AnswerLimit)
            {
            }
        }
    }

    private static async Task SocketAnswersAsync(string path)
    {
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await s.ConnectAsync(new UnixDomainSocketEndPoint(path));
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await s.SendAsync(Encoding.ASCII.GetBytes(Probe + "\n"));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                while (true)
                {
                    int n = await s.ReceiveAsync(buffer, wait.Token);
                    if (n == 0)
                    {
                        throw new IOException($"{path} closed before the guest answered");
                    }

                    seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    if (seen.ToString().Contains(Answer, StringComparison.Ordinal))
                    {
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (clock.Elapsed < AnswerLimit)
            {
            }
        }
    }

    private Process Start(IReadOnlyList<string> args)
    {
        var p = Process.Start(new ProcessStartInfo("qemu-system-x86_64", args) { UseShellExecute = false, RedirectStandardInput = true })!;
        lock (_plain)
        {
            _plain.Add(p);
        }

        return p;
    }

    private async Task StopPlainAsync()
    {
        List<Process> all;
        lock (_plain)
        {
            all = [.. _plain];
            _plain.Clear();
        }

        foreach (Process p in all)
        {
            if (!p.HasExited)
            {
                p.Kill();
            }

            await p.WaitForExitAsync();
            p.Dispose();
        }
    }

    /// <summary>The tiny guest on a RAM file: the parent maps it shared, a child privately (copy-on-write).</summary>
    private List<string> PlainArgs(string ram, bool share, string files)
    {
        string obj = share
            ? $"memory-backend-file,id=ram0,size={GuestMib}M,mem-path={ram},share=on"
            : $"memory-backend-file,id=ram0,size={GuestMib}M,mem-path={ram},share=off,readonly=on,rom=off";
        string[] all = [.. Cmd.Args(Accel, GuestMib, "UNUSED")];
        var args = new List<string>();
        for (int i = 0; i < all.Length; i++)
        {
            if (all[i] == "-machine")
            {
                args.AddRange(["-machine", all[++i] + ",memory-backend=ram0"]);
            }
            else if (!share && all[i] is "-kernel" or "-initrd" or "-append")
            {
                // A child continues a running guest: like a Hospes fork, it gets no kernel (QEMU would keep its own copy).
                i++;
            }
            else if (all[i] == "-serial")
            {
                i++;
                args.AddRange(["-chardev", $"socket,id=c0,path={files}.sock,server=on,wait=off,logfile={files}.log", "-serial", "chardev:c0"]);
            }
            else
            {
                args.Add(all[i]);
            }
        }

        args.AddRange(["-object", obj, "-device", "vmgenid,guid=auto", "-qmp", $"unix:{files}.qmp,server=on,wait=off"]);
        return args;
    }
}
