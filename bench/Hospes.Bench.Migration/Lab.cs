using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hospes.Bench.Boot;

namespace Hospes.Bench.Migration;

/// <summary>One migration: its JSON summary, or the reason it failed.</summary>
internal sealed record MigrationRun(bool Ok, double TotalMs, double? DowntimeMs, double? QemuDowntimeMs, long Bytes, int Passes, string Mode, string? Error, double WallMs)
{
    public double? ExpectedDowntimeMs => Error is null ? null
        : Regex.Match(Error, @"expected downtime (\d+) ms") is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    public override string ToString() => Ok
        ? string.Create(CultureInfo.InvariantCulture, $"total {TotalMs} ms, downtime {DowntimeMs} ms (qemu {QemuDowntimeMs}), {Bytes >> 20} MiB, {Passes} passes, {Mode}")
        : $"FAILED after {WallMs:0} ms: {Error}";
}

internal sealed class GuestResult(int guestMib, int dirtyMib)
{
    public int GuestMib { get; } = guestMib;

    public int DirtyMib { get; } = dirtyMib;

    public List<MigrationRun> Hospes { get; } = [];

    public List<MigrationRun> Defaults { get; } = [];

    public bool DefaultsSkipped { get; set; }

    public bool Stale { get; set; }

    public string LastPass { get; set; } = "?";

    public string EndedOn { get; set; } = "?";
}

/// <summary>Two hospesd (bench-a, bench-b) on loopback, each with its own state dir and socket under one temp dir.</summary>
internal sealed class Lab : IAsyncDisposable
{
    private readonly string _dir;
    private readonly string _hospes;
    private readonly string _hospesd;
    private readonly Dictionary<string, Process> _daemons = [];
    private long _memcheckLength;

    private Lab(string dir, string hospes, string hospesd)
    {
        _dir = dir;
        _hospes = hospes;
        _hospesd = hospesd;
    }

    public string QemuVersion { get; private set; } = "QEMU ?";

    public static string Other(string host) => host == "a" ? "b" : "a";

    public static Task<Lab> CreateAsync(string root)
    {
        string hospes = Path.Combine(root, "out", "hospes"), hospesd = Path.Combine(root, "out", "hospesd");
        if (!File.Exists(hospes) || !File.Exists(hospesd))
        {
            throw new InvalidOperationException("out/hospes and out/hospesd are missing: run ./setup.sh first");
        }

        string dir = Directory.CreateTempSubdirectory("hmig-").FullName;
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        Console.Error.WriteLine($"lab: {dir}");
        return Task.FromResult(new Lab(dir, hospes, hospesd));
    }

    private string Socket(string host) => Path.Combine(_dir, host, "h.sock");

    /// <summary>Starts A, builds the tiny image there, copies it to B, starts B, and makes the two trust each other.</summary>
    public async Task StartAsync()
    {
        await StartDaemonAsync("a", 18443);
        await CliAsync("a", TimeSpan.FromMinutes(3), "image", "build", "tiny");
        CopyDir(Path.Combine(_dir, "a", "state", "images", "tiny"), Path.Combine(_dir, "b", "state", "images", "tiny"));
        await StartDaemonAsync("b", 18444);
        string token = (await CliAsync("b", TimeSpan.FromSeconds(30), "host", "token")).Trim().Split('\n')[^1].Trim();
        await CliAsync("a", TimeSpan.FromSeconds(30), "host", "add", "bench-b", "127.0.0.1:18444", "--token", token);
        try
        {
            using JsonDocument info = JsonDocument.Parse(await CliAsync("a", TimeSpan.FromSeconds(30), "host", "info", "--format", "json"));
            QemuVersion = "QEMU " + info.RootElement.GetProperty("qemu_version").GetString() + ", accelerator " + info.RootElement.GetProperty("accelerator").GetString();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
        }
    }

    private async Task StartDaemonAsync(string host, int port)
    {
        string dir = Path.Combine(_dir, host);
        Directory.CreateDirectory(Path.Combine(dir, "state"));
        var psi = new ProcessStartInfo("/bin/sh", ["-c", "exec \"$0\" \"$@\" >>\"$HOSPESD_LOG\" 2>&1", _hospesd,
            "--state-dir", Path.Combine(dir, "state"), "--socket", Socket(host), "--listen", $"127.0.0.1:{port}", "--host-name", "bench-" + host])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        psi.Environment["HOSPESD_LOG"] = Path.Combine(dir, "hospesd.log");
        _daemons[host] = Process.Start(psi)!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (File.Exists(Socket(host)) && (await RunAsync(host, TimeSpan.FromSeconds(20), "list")).Code == 0)
            {
                return;
            }

            if (_daemons[host].HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"hospesd {host} did not come up; see {dir}/hospesd.log");
            }

            await Task.Delay(200);
        }
    }

    public string BuildMemcheck(string root)
    {
        string bin = Path.Combine(_dir, "memcheck"), disk = Path.Combine(_dir, "memcheck.raw");
        using (var gcc = Process.Start("gcc", ["-static", "-O2", "-o", bin, Path.Combine(root, "tests", "Hospes.Integration.Tests", "Guests", "memcheck.c")]))
        {
            if (!gcc.WaitForExit(60_000) || gcc.ExitCode != 0)
            {
                throw new InvalidOperationException("gcc could not build memcheck (setup.sh installs gcc and libc6-dev)");
            }
        }

        File.Copy(bin, disk);
        _memcheckLength = new FileInfo(bin).Length;
        using var f = new FileStream(disk, FileMode.Open);
        f.SetLength((f.Length + 511) / 512 * 512);
        return disk;
    }

    /// <summary>Creates the guest on A, waits for HOSPES-READY, starts memcheck and waits for its second pass.</summary>
    public async Task<string> CreateGuestAsync(string name, int memoryMib, string disk, int dirtyMib)
    {
        string cfg = Path.Combine(_dir, name + ".cfg");
        await File.WriteAllTextAsync(cfg, $"name = \"{name}\"\nkernel = \"image:tiny\"\nmemory = {memoryMib}\nvcpus = 1\ndisk = [ 'file:{disk},xvda,r' ]\n");
        await CliAsync("a", TimeSpan.FromMinutes(2), "create", cfg);
        await WaitLogAsync("a", name, "HOSPES-READY", TimeSpan.FromSeconds(90));
        string command = $"dd if=/dev/vda of=/tmp/memcheck bs=512 count={(_memcheckLength / 512) + 1} 2>/dev/null; chmod +x /tmp/memcheck; (/tmp/memcheck {dirtyMib} 1000 &)";
        await SendLineAsync("a", name, command);
        await WaitLogAsync("a", name, "memcheck pass 2 ", TimeSpan.FromSeconds(120));
        return "a";
    }

    public async Task<MigrationRun> MigrateAsync(string name, string from, bool qemuDefaults)
    {
        string[] cmd = qemuDefaults
            ? ["migrate", name, "bench-" + Other(from), "--format", "json", "--qemu-defaults", "--timeout", "30"]
            : ["migrate", name, "bench-" + Other(from), "--format", "json"];
        var sw = Stopwatch.StartNew();
        (int code, string stdout, string stderr) = await RunAsync(from, TimeSpan.FromMinutes(3), cmd);
        double wall = sw.Elapsed.TotalMilliseconds;
        if (code != 0)
        {
            return new MigrationRun(false, wall, null, null, 0, 0, "failed", (stderr + stdout).Trim().ReplaceLineEndings(" "), wall);
        }

        try
        {
            using JsonDocument j = JsonDocument.Parse(stdout);
            JsonElement r = j.RootElement;
            return new MigrationRun(true, Num(r, "total_ms") ?? wall, Num(r, "downtime_ms"), Num(r, "qemu_downtime_ms"), (long)(Num(r, "transferred_bytes") ?? 0),
                (int)(Num(r, "passes") ?? 0), r.TryGetProperty("mode", out JsonElement m) ? m.ToString() : "?", null, wall);
        }
        catch (JsonException e)
        {
            return new MigrationRun(false, wall, null, null, 0, 0, "failed", "unreadable summary: " + e.Message + " " + stdout, wall);
        }
    }

    private static double? Num(JsonElement e, string key) => e.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    public async Task<string> ConsoleLogAsync(string host, string name) =>
        (await RunAsync(host, TimeSpan.FromSeconds(30), "console", name, "--show-log")).Stdout;

    public async Task DeleteGuestAsync(string name, string host)
    {
        await RunAsync(host, TimeSpan.FromMinutes(1), "destroy", name);
        await RunAsync(host, TimeSpan.FromMinutes(1), "delete", name);
    }

    private async Task WaitLogAsync(string host, string name, string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if ((await ConsoleLogAsync(host, name)).Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{text}' did not appear on {name}'s console within {limit.TotalSeconds:0} s");
            }

            await Task.Delay(300);
        }
    }

    /// <summary>Types one line on the guest's console through the API's WebSocket, as the integration tests do.</summary>
    private async Task SendLineAsync(string host, string name, string line)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(Socket(host)), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        using var ws = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var invoker = new HttpMessageInvoker(handler);
        await ws.ConnectAsync(new Uri($"ws://hospesd/v1/vms/{name}/console"), invoker, timeout.Token);
        await ws.SendAsync(Encoding.UTF8.GetBytes(line + "\n"), WebSocketMessageType.Binary, true, timeout.Token);
        await Task.Delay(1000);
        try
        {
            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }

    private async Task<string> CliAsync(string host, TimeSpan limit, params string[] args)
    {
        (int code, string stdout, string stderr) = await RunAsync(host, limit, args);
        return code == 0 ? stdout : throw new InvalidOperationException($"hospes {string.Join(' ', args)} (on {host}): {stderr}{stdout}");
    }

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(string host, TimeSpan limit, params string[] args) =>
        Proc.RunAsync(_hospes, limit, Socket(host), null, args);

    private static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string f in Directory.GetFiles(from))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }

        foreach (string d in Directory.GetDirectories(from))
        {
            CopyDir(d, Path.Combine(to, Path.GetFileName(d)));
        }
    }

    /// <summary>Stops both daemons, then kills any QEMU left whose command line names this lab's dir.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (Process p in _daemons.Values)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
            }

            p.Dispose();
        }

        _daemons.Clear();
        foreach (string d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                string cmd = (await File.ReadAllTextAsync(Path.Combine(d, "cmdline"))).Replace('\0', ' ');
                if ((cmd.Contains("qemu-system", StringComparison.Ordinal) || cmd.Contains("hospesd", StringComparison.Ordinal)) && cmd.Contains(_dir + "/", StringComparison.Ordinal))
                {
                    using var q = Process.GetProcessById(pid);
                    q.Kill();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
            }
        }
    }
}
