using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hospes.Bench.Clones;

/// <summary>A private hospesd with the tiny image and a template "tmpl" on a small ext4 data image.</summary>
internal sealed class CloneLab : IAsyncDisposable
{
    public const int GuestMib = 128;
    private const string Marker = "HOSPES-READY";
    private readonly string _dir;
    private readonly string _hospes;
    private readonly Process _daemon;
    private readonly List<Process> _manual = [];
    private string _base = "";
    private string _kernel = "";
    private string _initrd = "";
    private string _append = "";

    private CloneLab(string dir, string hospes, Process daemon)
    {
        _dir = dir;
        _hospes = hospes;
        _daemon = daemon;
    }

    /// <summary>As many guests boot at once in both runs as Hospes boots at once (2 per core).</summary>
    public static int BootParallelism => Math.Max(2, Environment.ProcessorCount * 2);

    public string QemuVersion { get; private set; } = "";

    public string Accel { get; private set; } = "";

    public string ManualCommandShown { get; private set; } = "";

    private string Socket => Path.Combine(_dir, "hospes.sock");

    public static async Task<CloneLab> StartAsync(string root)
    {
        string hospes = Path.Combine(root, "out", "hospes");
        string hospesd = Path.Combine(root, "out", "hospesd");
        if (!File.Exists(hospes) || !File.Exists(hospesd))
        {
            throw new InvalidOperationException("out/hospes and out/hospesd are missing: run ./setup.sh first");
        }

        string dir = Directory.CreateTempSubdirectory("hclone-").FullName;
        var psi = new ProcessStartInfo("/bin/sh", ["-c", "exec \"$0\" \"$@\" >\"$HOSPESD_LOG\" 2>&1", hospesd, "--state-dir", Path.Combine(dir, "state"), "--socket", Path.Combine(dir, "hospes.sock")])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        psi.Environment["HOSPESD_LOG"] = Path.Combine(dir, "hospesd.log");
        var lab = new CloneLab(dir, hospes, Process.Start(psi)!);
        await lab.WaitForDaemonAsync();
        await lab.CliAsync("image", "build", "tiny");
        string host = await lab.CliAsync("host", "info", "--format", "json");
        lab.QemuVersion = "QEMU " + Field(host, "qemu_version");
        lab.Accel = Field(host, "accelerator");
        await lab.MakeTemplateAsync();
        await lab.LearnCommandLineAsync();
        return lab;
    }

    public static long HostMemoryMib() => MemInfoMib("MemTotal:");

    /// <summary>Seconds for `hospes clone` of <paramref name="count"/> clones (with --start: until every guest is ready).</summary>
    public async Task<double> HospesCloneAsync(string prefix, int count, bool start)
    {
        string[] args = ["clone", "tmpl", prefix + "-{i}", "--count", count.ToString(CultureInfo.InvariantCulture), "--timeout", "900"];
        var clock = Stopwatch.StartNew();
        await CliAsync(start ? [.. args, "--start"] : args);
        return clock.Elapsed.TotalSeconds;
    }

    public async Task<(double Seconds, MemoryUse Memory)> HospesStartAsync(string prefix, int count)
    {
        long before = MemInfoMib("MemAvailable:");
        double seconds = await HospesCloneAsync(prefix, count, start: true);
        MemoryUse use = Measure(Qemus(Path.Combine(_dir, "state") + "/"), before, count);
        foreach (int pid in Qemus(Path.Combine(_dir, "state") + "/"))
        {
            Kill(pid);
        }

        await WaitGoneAsync(Path.Combine(_dir, "state") + "/");
        return (seconds, use);
    }

    /// <summary>Seconds for the same overlays made by hand: qemu-img create -b in a shell loop.</summary>
    public async Task<double> ManualOverlaysAsync(int run, int count)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_dir, $"manual-{run}")).FullName;
        var clock = Stopwatch.StartNew();
        await RunAsync("/bin/sh", "-c", $"for i in $(seq {count}); do qemu-img create -q -f qcow2 -b '{_base}' -F qcow2 '{dir}/m-$i.qcow2' || exit 1; done");
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Overlays and plain QEMUs by hand, <paramref name="parallel"/> booting at a time, until every guest printed its marker.</summary>
    public async Task<(double Seconds, MemoryUse Memory)> ManualStartAsync(int run, int count, int parallel)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_dir, $"boot-{run}")).FullName;
        long before = MemInfoMib("MemAvailable:");
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(parallel);
        await Task.WhenAll(Enumerable.Range(1, count).Select(async i =>
        {
            await slots.WaitAsync();
            try
            {
                string disk = Path.Combine(dir, $"b-{i}.qcow2"), serial = Path.Combine(dir, $"b-{i}.log");
                await RunAsync("qemu-img", "create", "-q", "-f", "qcow2", "-b", _base, "-F", "qcow2", disk);
                var qemu = Process.Start(new ProcessStartInfo("qemu-system-x86_64", ManualArgs(disk, serial)) { UseShellExecute = false, RedirectStandardInput = true })!;
                lock (_manual)
                {
                    _manual.Add(qemu);
                }

                await WaitForMarkerAsync(serial);
            }
            finally
            {
                slots.Release();
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        MemoryUse use = Measure(Qemus(dir + "/"), before, count);
        await StopManualAsync();
        return (seconds, use);
    }

    public async ValueTask DisposeAsync()
    {
        await StopManualAsync();
        _daemon.Kill();
        await _daemon.WaitForExitAsync();
        _daemon.Dispose();
        foreach (int pid in Qemus(_dir + "/"))
        {
            Kill(pid);
        }

        await WaitGoneAsync(_dir + "/");
        Directory.Delete(_dir, recursive: true);
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

    private string[] ManualArgs(string disk, string serial) =>
    [
        "-accel", Accel, "-machine", "microvm,acpi=on", "-cpu", Accel == "kvm" ? "host" : "max", "-m", $"{GuestMib}M",
        "-nodefaults", "-no-user-config", "-display", "none", "-serial", $"file:{serial}",
        "-kernel", _kernel, "-initrd", _initrd, "-append", _append,
        "-drive", $"file={disk},format=qcow2,if=none,id=d0", "-device", "virtio-blk-device,drive=d0",
    ];

    private async Task MakeTemplateAsync()
    {
        string content = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        await File.WriteAllTextAsync(Path.Combine(content, "data.txt"), "template data\n");
        string raw = Path.Combine(_dir, "data.raw"), qcow2 = Path.Combine(_dir, "data.qcow2");
        await RunAsync("truncate", "-s", "64M", raw);
        await RunAsync("mkfs.ext4", "-q", "-F", "-d", content, raw);
        await RunAsync("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, qcow2);
        await CliAsync("image", "import", qcow2, "--name", "data");
        string cfg = Path.Combine(_dir, "base.cfg");
        await File.WriteAllTextAsync(cfg, $"name = \"base\"\nkernel = \"image:tiny\"\nmemory = {GuestMib}\nvcpus = 1\ndisk = [ 'image:data,qcow2,xvda,w' ]\n");
        await CliAsync("define", cfg);
        string tmpl = await CliAsync("template", "create", "base", "--name", "tmpl", "--format", "json");
        _base = JsonDocument.Parse(tmpl).RootElement.GetProperty("disks")[0].GetProperty("path").GetString()!;
    }

    /// <summary>One clone started through Hospes tells us its kernel, initrd and command line; the plain runs get the same.</summary>
    private async Task LearnCommandLineAsync()
    {
        await CliAsync("clone", "tmpl", "probe", "--start");
        string info = await CliAsync("info", "probe", "--format", "json");
        string qemuLog = Path.Combine(Path.GetDirectoryName(Field(info, "console_log"))!, "qemu.log");
        string started = File.ReadLines(qemuLog).First(l => l.Contains("hospesd starts:", StringComparison.Ordinal));
        _kernel = ArgumentAfter(started, "-kernel");
        _initrd = ArgumentAfter(started, "-initrd");
        _append = ArgumentAfter(started, "-append");
        await CliAsync("delete", "probe", "--force");
        ManualCommandShown = "qemu-img create -f qcow2 -b BASE -F qcow2 DISK\nqemu-system-x86_64 " + string.Join(' ', ManualArgs("DISK", "SERIAL.log").Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a))
            .Replace(_kernel, "KERNEL", StringComparison.Ordinal).Replace(_initrd, "INITRD", StringComparison.Ordinal);
    }

    private static MemoryUse Measure(IReadOnlyList<int> pids, long availableBefore, int count)
    {
        double pssKib = pids.Sum(Pss);
        long drop = availableBefore - MemInfoMib("MemAvailable:");
        return new MemoryUse(pssKib / 1024 / count, (double)drop / count);
    }

    private static long Pss(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static long MemInfoMib(string key)
    {
        string line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    /// <summary>QEMU processes whose command line mentions <paramref name="needle"/>.</summary>
    private static List<int> Qemus(string needle)
    {
        var pids = new List<int>();
        foreach (string d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out int pid))
            {
                continue;
            }

            try
            {
                string cmd = File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' ');
                if (cmd.StartsWith("qemu-system", StringComparison.Ordinal) || cmd.Contains("/qemu-system", StringComparison.Ordinal))
                {
                    if (cmd.Contains(needle, StringComparison.Ordinal))
                    {
                        pids.Add(pid);
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return pids;
    }

    private static void Kill(int pid)
    {
        try
        {
            Process.GetProcessById(pid).Kill();
        }
        catch (ArgumentException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static async Task WaitGoneAsync(string needle)
    {
        for (int i = 0; i < 200 && Qemus(needle).Count > 0; i++)
        {
            await Task.Delay(100);
        }
    }

    private static async Task WaitForMarkerAsync(string file)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(file) || !(await ReadSharedAsync(file)).Contains(Marker, StringComparison.Ordinal))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"no {Marker} in {file} after 10 minutes");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<string> ReadSharedAsync(string file)
    {
        await using var f = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return await new StreamReader(f).ReadToEndAsync();
    }

    private async Task<string> CliAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(_hospes, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["HOSPES_SOCKET"] = Socket;
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return p.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"hospes {string.Join(' ', args)}: {stderr}{await stdout}");
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using Process p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardError = true })!;
        string stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {stderr}");
        }
    }

    private async Task WaitForDaemonAsync()
    {
        for (int i = 0; i < 600; i++)
        {
            if (File.Exists(Socket))
            {
                using var s = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(Socket));
                    return;
                }
                catch (SocketException)
                {
                }
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"hospesd did not start; see {_dir}/hospesd.log");
    }

    private static string ArgumentAfter(string commandLine, string option)
    {
        Match m = Regex.Match(commandLine, Regex.Escape(option) + @" ('([^']*)'|(\S+))");
        return m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value;
    }

    private static string Field(string json, string field) => JsonDocument.Parse(json).RootElement.GetProperty(field).ToString();
}
