using System.Diagnostics;
using System.Globalization;
using Hospes.Contracts;
using Hospes.Testing;
using Hospes.Testing.Bench;

namespace Hospes.Bench.Clones;

/// <summary>A private hospesd with the tiny image and a template "tmpl" on a small ext4 data image.</summary>
internal sealed class CloneLab : IAsyncDisposable
{
    public const int GuestMib = 128;
    private static readonly TimeSpan ManualReadyLimit = TimeSpan.FromMinutes(10);
    private readonly Daemon _daemon;
    private readonly List<Process> _manual = [];
    private string _base = "";
    private PlainQemu? _plain;

    private CloneLab(Daemon daemon)
    {
        _daemon = daemon;
    }

    /// <summary>As many guests boot at once in both runs as Hospes boots at once (2 per core).</summary>
    public static int BootParallelism => Math.Max(2, Environment.ProcessorCount * 2);

    public string QemuVersion { get; private set; } = "";

    public string Accel { get; private set; } = "";

    public string ManualCommandShown { get; private set; } = "";

    private PlainQemu Plain => _plain ?? throw new InvalidOperationException("the plain command line is learned in StartAsync");

    public static async Task<CloneLab> StartAsync()
    {
        // No limit of their own: `hospes clone --count 75 --start` has taken 40 minutes on a loaded machine.
        var lab = new CloneLab(await Daemon.StartAsync(new DaemonOptions { TempPrefix = "hclone-", CliTimeout = Timeout.InfiniteTimeSpan }));
        try
        {
            (await lab._daemon.CliAsync("image", "build", "tiny")).Ok();
            HostInfo host = await lab._daemon.HostInfoAsync();
            lab.QemuVersion = "QEMU " + host.QemuVersion;
            lab.Accel = host.Accelerator ?? "";
            await lab.MakeTemplateAsync();
            await lab.LearnCommandLineAsync();
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }

        return lab;
    }

    public static long HostMemoryMib() => ProcFs.MemInfoMib("MemTotal");

    /// <summary>Seconds for `hospes clone` of <paramref name="count"/> clones (with --start: until every guest is ready).</summary>
    public async Task<double> HospesCloneAsync(string prefix, int count, bool start)
    {
        string[] args = ["clone", "tmpl", prefix + "-{i}", "--count", count.ToString(CultureInfo.InvariantCulture), "--timeout", "900"];
        var clock = Stopwatch.StartNew();
        (await _daemon.CliAsync(start ? [.. args, "--start"] : args)).Ok();
        return clock.Elapsed.TotalSeconds;
    }

    public async Task<(double Seconds, MemoryUse Memory)> HospesStartAsync(string prefix, int count)
    {
        long before = ProcFs.MemInfoMib("MemAvailable");
        double seconds = await HospesCloneAsync(prefix, count, start: true);
        string state = _daemon.StateDir + "/";
        MemoryUse use = Measure(HostProcesses.WithArgument(state, "qemu-system"), before, count);
        await HostProcesses.KillAllAsync(state, "qemu-system");
        return (seconds, use);
    }

    /// <summary>Seconds for the same overlays made by hand: qemu-img create -b in a shell loop.</summary>
    public async Task<double> ManualOverlaysAsync(int run, int count)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_daemon.Dir, $"manual-{run}")).FullName;
        var clock = Stopwatch.StartNew();
        (await Run.ProcessAsync("/bin/sh", ["-c", $"for i in $(seq {count}); do qemu-img create -q -f qcow2 -b '{_base}' -F qcow2 '{dir}/m-$i.qcow2' || exit 1; done"], timeout: Timeout.InfiniteTimeSpan)).Ok();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Overlays and plain QEMUs by hand, <paramref name="parallel"/> booting at a time, until every guest printed its marker.</summary>
    public async Task<(double Seconds, MemoryUse Memory)> ManualStartAsync(int run, int count, int parallel)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_daemon.Dir, $"boot-{run}")).FullName;
        long before = ProcFs.MemInfoMib("MemAvailable");
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(parallel);
        await Task.WhenAll(Enumerable.Range(1, count).Select(async i =>
        {
            await slots.WaitAsync();
            try
            {
                string disk = Path.Combine(dir, $"b-{i}.qcow2"), serial = Path.Combine(dir, $"b-{i}.log");
                await Run.ToolAsync("qemu-img", "create", "-q", "-f", "qcow2", "-b", _base, "-F", "qcow2", disk);
                var qemu = Process.Start(new ProcessStartInfo("qemu-system-x86_64", ManualArgs(disk, serial)) { UseShellExecute = false, RedirectStandardInput = true })!;
                lock (_manual)
                {
                    _manual.Add(qemu);
                }

                await ConsoleFile.WaitForAsync(serial, Guest.Ready, ManualReadyLimit, TimeSpan.FromMilliseconds(50));
            }
            finally
            {
                slots.Release();
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        MemoryUse use = Measure(HostProcesses.WithArgument(dir + "/", "qemu-system"), before, count);
        await StopManualAsync();
        return (seconds, use);
    }

    public async ValueTask DisposeAsync()
    {
        await StopManualAsync();
        await _daemon.DisposeAsync();
    }

    private async Task StopManualAsync()
    {
        foreach (Process p in _manual)
        {
            p.Kill();
            await p.WaitForExitAsync();
            p.Dispose();
        }

        _manual.Clear();
    }

    private IReadOnlyList<string> ManualArgs(string disk, string serial) =>
        Plain.Args(Accel, GuestMib, serial, "-drive", $"file={disk},format=qcow2,if=none,id=d0", "-device", "virtio-blk-device,drive=d0");

    private async Task MakeTemplateAsync()
    {
        string qcow2 = await Disks.Ext4Async(_daemon.Dir, "data", new Dictionary<string, string> { ["data.txt"] = "template data\n" });
        (await _daemon.CliAsync("image", "import", qcow2, "--name", "data")).Ok();
        string cfg = _daemon.WriteConfig("base.cfg", $"name = \"base\"\nkernel = \"image:tiny\"\nmemory = {GuestMib}\nvcpus = 1\ndisk = [ 'image:data,qcow2,xvda,w' ]\n");
        (await _daemon.CliAsync("define", cfg)).Ok();
        TemplateInfo template = await _daemon.JsonAsync<TemplateInfo>("template", "create", "base", "--name", "tmpl");
        _base = template.Disks[0].Path;
    }

    /// <summary>One clone started through Hospes tells us its kernel, initrd and command line; the plain runs get the same.</summary>
    private async Task LearnCommandLineAsync()
    {
        (await _daemon.CliAsync("clone", "tmpl", "probe", "--start")).Ok();
        _plain = await PlainQemu.LearnAsync(_daemon, "probe");
        (await _daemon.CliAsync("delete", "probe", "--force")).Ok();
        ManualCommandShown = "qemu-img create -f qcow2 -b BASE -F qcow2 DISK\n" + Plain.Shown(ManualArgs("DISK", "SERIAL.log"));
    }

    private static MemoryUse Measure(IReadOnlyList<int> pids, long availableBefore, int count)
    {
        double pssKib = pids.Sum(pid => ProcFs.SmapsRollup(pid)?.PssKib ?? 0);
        long drop = availableBefore - ProcFs.MemInfoMib("MemAvailable");
        return new MemoryUse(pssKib / 1024 / count, (double)drop / count);
    }
}
