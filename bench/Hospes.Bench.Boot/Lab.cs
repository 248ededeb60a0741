using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Hospes.Bench.Boot;

/// <summary>A private hospesd with the tiny image, and the means to time guests to their ready marker.</summary>
internal sealed partial class Lab : IAsyncDisposable
{
    private const string Marker = "HOSPES-READY";
    private readonly string _dir;
    private readonly string _hospes;
    private readonly Process _daemon;
    private string _append = "";
    private string _kernel = "";
    private string _initrd = "";

    private Lab(string dir, string hospes, Process daemon)
    {
        _dir = dir;
        _hospes = hospes;
        _daemon = daemon;
    }

    public string QemuVersion { get; private set; } = "";

    public string Accel { get; private set; } = "";

    public string RawCommandShown { get; private set; } = "";

    private string Socket => Path.Combine(_dir, "hospes.sock");

    public static async Task<Lab> StartAsync(string root)
    {
        string hospes = Path.Combine(root, "out", "hospes");
        string hospesd = Path.Combine(root, "out", "hospesd");
        if (!File.Exists(hospes) || !File.Exists(hospesd))
        {
            throw new InvalidOperationException("out/hospes and out/hospesd are missing: run ./setup.sh first");
        }

        string dir = Directory.CreateTempSubdirectory("hbench-").FullName;
        var psi = new ProcessStartInfo("/bin/sh", ["-c", "exec \"$0\" \"$@\" >\"$HOSPESD_LOG\" 2>&1", hospesd, "--state-dir", Path.Combine(dir, "state"), "--socket", Path.Combine(dir, "hospes.sock")])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        psi.Environment["HOSPESD_LOG"] = Path.Combine(dir, "hospesd.log");
        var lab = new Lab(dir, hospes, Process.Start(psi)!);
        await lab.WaitForDaemonAsync();
        await lab.CliAsync("image", "build", "tiny");
        string host = await lab.CliAsync("host", "info", "--format", "json");
        lab.QemuVersion = "QEMU " + JsonField(host, "qemu_version");
        lab.Accel = JsonField(host, "accelerator");
        await lab.LearnCommandLineAsync();
        return lab;
    }

    /// <summary>Seconds from `hospes create` to the marker on the console, as a user would measure it.</summary>
    public async Task<double> HospesCreateAsync(int run)
    {
        string name = $"bench-{run}";
        string cfg = WriteConfig(name);
        var clock = Stopwatch.StartNew();
        await CliAsync("create", cfg);
        string log = JsonField(await CliAsync("info", name, "--format", "json"), "console_log");
        await WaitForMarkerAsync(log, clock);
        double seconds = clock.Elapsed.TotalSeconds;
        await CliAsync("delete", name, "--force");
        return seconds;
    }

    /// <summary>Seconds from starting a plain qemu-system-x86_64 to the marker on its serial console.</summary>
    public async Task<double> RawQemuBootAsync(int run)
    {
        string serial = Path.Combine(_dir, $"raw-{run}.log");
        string[] args = RawArgs(serial);
        var clock = Stopwatch.StartNew();
        using Process qemu = Process.Start(new ProcessStartInfo("qemu-system-x86_64", args) { UseShellExecute = false, RedirectStandardInput = true })!;
        try
        {
            await WaitForMarkerAsync(serial, clock);
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            qemu.Kill();
            await qemu.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _daemon.Kill();
        await _daemon.WaitForExitAsync();
        _daemon.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string[] RawArgs(string serial) =>
    [
        "-accel", Accel, "-machine", "microvm,acpi=on", "-cpu", Accel == "kvm" ? "host" : "max", "-m", "192M",
        "-nodefaults", "-no-user-config", "-display", "none", "-serial", $"file:{serial}",
        "-kernel", _kernel, "-initrd", _initrd, "-append", _append,
    ];

    /// <summary>One throwaway guest tells us the kernel, initrd and command line Hospes uses; the plain run gets the same.</summary>
    private async Task LearnCommandLineAsync()
    {
        string cfg = WriteConfig("probe");
        await CliAsync("create", cfg);
        string info = await CliAsync("info", "probe", "--format", "json");
        string qemuLog = Path.Combine(Path.GetDirectoryName(JsonField(info, "console_log"))!, "qemu.log");
        string started = File.ReadLines(qemuLog).First(l => l.Contains("hospesd starts:", StringComparison.Ordinal));
        _kernel = ArgumentAfter(started, "-kernel");
        _initrd = ArgumentAfter(started, "-initrd");
        _append = ArgumentAfter(started, "-append");
        await CliAsync("delete", "probe", "--force");
        RawCommandShown = "qemu-system-x86_64 " + string.Join(' ', RawArgs("SERIAL.log").Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a))
            .Replace(_kernel, "KERNEL", StringComparison.Ordinal).Replace(_initrd, "INITRD", StringComparison.Ordinal);
    }

    private string WriteConfig(string name)
    {
        string path = Path.Combine(_dir, name + ".cfg");
        File.WriteAllText(path, $"name = \"{name}\"\nkernel = \"image:tiny\"\nmemory = 192\nvcpus = 1\n");
        return path;
    }

    private static async Task WaitForMarkerAsync(string file, Stopwatch clock)
    {
        while (!File.Exists(file) || !(await ReadSharedAsync(file)).Contains(Marker, StringComparison.Ordinal))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"no {Marker} in {file} after 90 s");
            }

            await Task.Delay(5);
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
        string stdout = await p.StandardOutput.ReadToEndAsync();
        string stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return p.ExitCode == 0 ? stdout : throw new InvalidOperationException($"hospes {string.Join(' ', args)}: {stderr}");
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

    private static string JsonField(string json, string field) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty(field).ToString();
}
