using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Hospes.Contracts;

namespace Hospes.Integration.Tests.Support;

/// <summary>
/// One real hospesd in its own temp state dir and socket, driven through the real CLI. Dispose kills
/// it and every QEMU it started, and removes its folders.
/// </summary>
public sealed class Daemon : IAsyncDisposable
{
    private readonly string[] _args;
    private Process? _process;

    private Daemon(string dir, NetNs? netns, string[] args)
    {
        Dir = dir;
        Netns = netns;
        _args = args;
    }

    /// <summary>The network namespace hospesd runs in; null for the test's own.</summary>
    public NetNs? Netns { get; }

    public string Dir { get; }

    public string StateDir => Path.Combine(Dir, "state");

    public string Socket => Path.Combine(Dir, "hospes.sock");

    public string LogPath => Path.Combine(Dir, "hospesd.log");

    public int Pid => _process?.Id ?? 0;

    /// <summary>
    /// A VM with a vif needs <paramref name="netns"/>: networks are made only inside namespaces tests own.
    /// <paramref name="args"/> go to hospesd after its folders (settings such as --memory-policy); KSM is off unless they say otherwise.
    /// </summary>
    public static async Task<Daemon> StartAsync(TinyImage? image, NetNs? netns = null, params string[] args)
    {
        // KSM is one switch for the whole host and test classes run two at a time: only a test that asks for it gets it.
        if (!args.Contains("--ksm"))
        {
            args = [.. args, "--ksm", "off"];
        }

        var daemon = new Daemon(Directory.CreateTempSubdirectory("hit-").FullName, netns, args);

        // dnsmasq reads its files as nobody: the folders above them must be searchable, as /var/lib/hospes is.
        File.SetUnixFileMode(daemon.Dir, (UnixFileMode)0b111_001_001);
        image?.CopyInto(Path.Combine(daemon.StateDir, "images"));
        await daemon.StartProcessAsync();
        return daemon;
    }

    /// <summary>Starts hospesd again on the same state (after KillHard).</summary>
    public Task RestartAsync() => StartProcessAsync();

    /// <summary>kill -9: no cleanup, no goodbye.</summary>
    public async Task KillHardAsync()
    {
        Process p = _process ?? throw new InvalidOperationException("not running");
        p.Kill();
        await p.WaitForExitAsync();
        p.Dispose();
        _process = null;
    }

    public Task<CliResult> CliAsync(params string[] args) => CliWithInputAsync(null, args);

    public Task<CliResult> CliWithInputAsync(string? stdin, params string[] args) =>
        Run.ProcessAsync(Repo.Hospes, args, new Dictionary<string, string> { ["HOSPES_SOCKET"] = Socket }, stdin);

    public async Task<T> JsonAsync<T>(params string[] args)
    {
        CliResult r = (await CliAsync([.. args, "--format", "json"])).Ok();
        return JsonSerializer.Deserialize<T>(r.Stdout, WireJson.Options)!;
    }

    public Task<VmInfo> InfoAsync(string name) => JsonAsync<VmInfo>("info", name);

    public Task<List<VmInfo>> ListAsync() => JsonAsync<List<VmInfo>>("list");

    public async Task<string> ConsoleLogAsync(string name) => (await CliAsync("console", name, "--show-log")).Ok().Stdout;

    /// <summary>
    /// Waits until the console log holds <paramref name="marker"/> at least <paramref name="count"/> times. It asks
    /// hospesd once where the log is and then reads the file: a CLI process per poll would take the CPU the booting
    /// guest needs (`hospes console --show-log` is tested on its own).
    /// </summary>
    public async Task<string> WaitForConsoleAsync(string name, string marker, int count = 1, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(90));
        string path = (await InfoAsync(name)).ConsoleLog ?? throw new InvalidOperationException($"{name} has no console log");
        while (true)
        {
            string log = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
            if (Occurrences(log, marker) >= count)
            {
                return log;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{name}: '{marker}' x{count} not on the console after {(limit ?? TimeSpan.FromSeconds(90)).TotalSeconds} s; console:\n{log}\nhospesd log:\n{await File.ReadAllTextAsync(LogPath)}");
            }

            await Task.Delay(100);
        }
    }

    public Task<GuestConsole> OpenConsoleAsync(string name) => GuestConsole.OpenAsync(Socket, name);

    /// <summary>Writes a config file into the daemon's folder and returns its path.</summary>
    public string WriteConfig(string fileName, string text)
    {
        string path = Path.Combine(Dir, fileName);
        File.WriteAllText(path, text);
        return path;
    }

    public IReadOnlyList<int> Qemus() => Support.Qemus.WithArgument(Dir + "/");

    /// <summary>dnsmasq processes of this hospesd's networks (their files are in its state dir).</summary>
    public IReadOnlyList<int> Dnsmasqs() => Support.Qemus.WithArgument(Dir + "/", "dnsmasq");

    /// <summary>Sockets and pid files of VMs left in the run dir (the API socket aside).</summary>
    public IReadOnlyList<string> RuntimeFiles() =>
        [.. Directory.EnumerateFiles(Dir).Where(f => f.EndsWith(".qmp", StringComparison.Ordinal) || f.EndsWith(".console", StringComparison.Ordinal) || f.EndsWith(".pid", StringComparison.Ordinal))];

    public IReadOnlyList<string> VmDirs() =>
        Directory.Exists(Path.Combine(StateDir, "vms")) ? Directory.GetDirectories(Path.Combine(StateDir, "vms")) : [];

    public async ValueTask DisposeAsync()
    {
        if (_process is { } p)
        {
            p.Kill();
            await p.WaitForExitAsync();
            p.Dispose();
        }

        foreach (int pid in Qemus().Concat(Dnsmasqs()))
        {
            Support.Qemus.Kill(pid);
            await Support.Qemus.WaitGoneAsync(pid, TimeSpan.FromSeconds(10));
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int Occurrences(string text, string marker)
    {
        int n = 0;
        for (int i = text.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = text.IndexOf(marker, i + marker.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    private async Task StartProcessAsync()
    {
        // Its output goes to a file through the shell, so nothing ties hospesd's life to pipes of ours.
        var sh = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        string[] daemon = Netns is { } ns ? ["ip", "netns", "exec", ns.Name, Repo.Hospesd] : [Repo.Hospesd];
        foreach (string a in (string[])["-c", "exec \"$0\" \"$@\" >>\"$HOSPESD_LOG\" 2>&1", .. daemon, "--state-dir", StateDir, "--socket", Socket, .. _args])
        {
            sh.ArgumentList.Add(a);
        }

        sh.Environment["HOSPESD_LOG"] = LogPath;
        _process = Process.Start(sh)!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await AnswersAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"hospesd did not come up on {Socket}:\n{(File.Exists(LogPath) ? await File.ReadAllTextAsync(LogPath) : "")}");
            }

            await Task.Delay(50);
        }
    }

    private async Task<bool> AnswersAsync()
    {
        if (!File.Exists(Socket))
        {
            return false;
        }

        using var s = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await s.ConnectAsync(new UnixDomainSocketEndPoint(Socket));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
