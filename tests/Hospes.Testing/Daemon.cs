using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Hospes.Client;

namespace Hospes.Testing;

/// <summary>
/// One real hospesd in its own folder (state dir, socket, log), driven through the real CLI. Dispose kills it and
/// every QEMU and dnsmasq it started, and removes the folder when the daemon made it.
/// </summary>
public sealed partial class Daemon : IAsyncDisposable
{
    private readonly bool _ownsDir;
    private readonly string? _cgroupProcs;
    private readonly TimeSpan _cliTimeout;
    private readonly TimeSpan _startLimit;
    private IReadOnlyList<string> _args;
    private Process? _process;
    private HospesClient? _client;
    private readonly IReadOnlyDictionary<string, string> _environment;

    private Daemon(string dir, bool ownsDir, DaemonOptions options)
    {
        Dir = dir;
        _ownsDir = ownsDir;
        Netns = options.Netns;
        _args = options.Args;
        _cgroupProcs = options.CgroupProcs;
        _cliTimeout = options.CliTimeout;
        _startLimit = options.StartLimit;
        _environment = options.Environment;
    }

    /// <summary>The network namespace hospesd runs in; null for the caller's own.</summary>
    public NetNs? Netns { get; }

    public string Dir { get; }

    public string StateDir => Path.Combine(Dir, "state");

    public string Socket => Path.Combine(Dir, "hospes.sock");

    /// <summary>The typed client of this daemon's API (its socket), for reads and the console.</summary>
    public HospesClient Client => _client ??= HospesClient.ForSocket(Socket);

    public string LogPath => Path.Combine(Dir, "hospesd.log");

    public int Pid => _process?.Id ?? 0;

    /// <summary>
    /// The integration tests' daemon, in a new "hit-" folder. A VM with a vif needs <paramref name="netns"/>: networks are
    /// made only inside namespaces tests own. <paramref name="args"/> go to hospesd after its folders (settings such as
    /// --memory-policy); KSM is off unless they say otherwise.
    /// </summary>
    public static Task<Daemon> StartAsync(TinyImage? image, NetNs? netns = null, params string[] args)
    {
        // KSM is one switch for the whole host and test classes run two at a time: only a test that asks for it gets it.
        if (!args.Contains("--ksm"))
        {
            args = [.. args, "--ksm", "off"];
        }

        return StartAsync(new DaemonOptions { Image = image, Netns = netns, Args = args });
    }

    /// <summary>Makes the daemon's folder, copies the image in, starts hospesd and waits until it answers on its socket.</summary>
    public static async Task<Daemon> StartAsync(DaemonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Daemon daemon;
        if (options.Dir is { } dir)
        {
            daemon = new Daemon(Directory.CreateDirectory(dir).FullName, ownsDir: false, options);
        }
        else
        {
            daemon = new Daemon(Directory.CreateTempSubdirectory(options.TempPrefix).FullName, ownsDir: true, options);

            // dnsmasq reads its files as nobody: the folders above them must be searchable, as /var/lib/hospes is.
            File.SetUnixFileMode(daemon.Dir, (UnixFileMode)0b111_001_001);
        }

        try
        {
            if (options.Image is { } image)
            {
                await image.CopyIntoAsync(Path.Combine(daemon.StateDir, "images"));
            }

            await daemon.StartProcessAsync();
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }

        return daemon;
    }

    /// <summary>Starts hospesd again on the same state (after <see cref="KillHardAsync"/> or <see cref="StopAsync"/>).</summary>
    public Task RestartAsync() => StartProcessAsync();

    /// <summary>
    /// Starts hospesd on this daemon's state, with <paramref name="args"/> after its folders when given (else as before),
    /// and waits until it answers on its socket. Its output is appended to <see cref="LogPath"/>.
    /// </summary>
    public async Task StartProcessAsync(IReadOnlyList<string>? args = null)
    {
        if (_process is not null)
        {
            throw new InvalidOperationException($"hospesd of {Dir} already runs (pid {_process.Id})");
        }

        _args = args ?? _args;

        // Its output goes to a file through the shell, so nothing ties hospesd's life to pipes of ours.
        string script = (_cgroupProcs is null ? "" : "echo $$ >\"$HOSPES_CGROUP_PROCS\" || exit 97; ") + "exec \"$0\" \"$@\" >>\"$HOSPESD_LOG\" 2>&1";
        var sh = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        string[] daemon = Netns is { } ns ? ["ip", "netns", "exec", ns.Name, Repo.Hospesd] : [Repo.Hospesd];
        foreach (string a in (string[])["-c", script, .. daemon, "--state-dir", StateDir, "--socket", Socket, .. _args])
        {
            sh.ArgumentList.Add(a);
        }

        foreach ((string name, string value) in _environment)
        {
            sh.Environment[name] = value;
        }

        sh.Environment["HOSPESD_LOG"] = LogPath;
        if (_cgroupProcs is not null)
        {
            sh.Environment["HOSPES_CGROUP_PROCS"] = _cgroupProcs;
        }

        _process = Process.Start(sh) ?? throw new InvalidOperationException("could not start /bin/sh for hospesd");
        var deadline = DateTime.UtcNow + _startLimit;
        while (!await AnswersAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                string why = _process.HasExited ? $"it exited with {_process.ExitCode}" : $"no answer within {_startLimit.TotalSeconds:0} s";
                throw new InvalidOperationException($"hospesd did not come up on {Socket} ({why}); the end of {LogPath}:\n{LogTail(60)}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>kill -9: no cleanup, no goodbye.</summary>
    public async Task KillHardAsync()
    {
        Process p = _process ?? throw new InvalidOperationException("not running");
        p.Kill();
        await p.WaitForExitAsync();
        p.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM, as an administrator stops hospesd; SIGKILL when it has not ended after <paramref name="grace"/>. Nothing when it does not run.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process is not { } p)
        {
            return;
        }

        await Run.ProcessAsync("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(10));
        using (var wait = new CancellationTokenSource(grace))
        {
            try
            {
                await p.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                p.Kill();
                await p.WaitForExitAsync();
            }
        }

        p.Dispose();
        _process = null;
    }

    /// <summary>The last <paramref name="lines"/> lines of hospesd's log ("" before it wrote any).</summary>
    public string LogTail(int lines) => File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(lines)) : "";

    public async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("HOSPES_KEEP_LOGS") is { Length: > 0 } keep && File.Exists(LogPath))
        {
            File.Copy(LogPath, Path.Combine(keep, Path.GetFileName(Dir) + ".log"), overwrite: true);
        }

        _client?.Dispose();
        if (_process is { } p)
        {
            p.Kill();
            await p.WaitForExitAsync();
            p.Dispose();
            _process = null;
        }

        // Its QEMUs and dnsmasqs name files under its folder on their command lines.
        await HostProcesses.KillAllAsync(Dir + "/", "qemu-system");
        await HostProcesses.KillAllAsync(Dir + "/", "dnsmasq");
        CpuCgroup.RemoveLeftovers(this);

        // Its fork points' and forkable VMs' RAM files are on tmpfs outside its folder (hospesd's ForkRam.Root, one per
        // state dir): host memory that nothing else deletes once hospesd and its QEMUs are gone.
        if (Directory.Exists(RamRoot))
        {
            try
            {
                Directory.Delete(RamRoot, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        // So does the fence guard (hospesd --fence-guard STATE), started with a cluster's HA VMs.
        await HostProcesses.KillAllAsync(Dir + "/", "--fence-guard");

        // A cluster member's etcd runs in its own session (it outlives a hospesd killed with -9) and names its data dir.
        await HostProcesses.KillAllAsync(Dir + "/", "etcd");
        if (_ownsDir)
        {
            try
            {
                Directory.Delete(Dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Where this hospesd keeps RAM files on tmpfs: /dev/shm/hospes/ and the first 16 hex digits of the SHA-256 of its state dir's full path (as hospesd's ForkRam.Root).</summary>
    public string RamRoot => Path.Combine("/dev/shm/hospes", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(StateDir))))[..16]);

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
