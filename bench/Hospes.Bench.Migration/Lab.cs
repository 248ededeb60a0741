using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hospes.Contracts;
using Hospes.Testing;

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
    private static readonly Dictionary<string, int> Ports = new() { ["a"] = 18443, ["b"] = 18444 };
    private readonly string _dir;
    private readonly Dictionary<string, Daemon> _daemons = [];

    private Lab(string dir)
    {
        _dir = dir;
    }

    public string QemuVersion { get; private set; } = "QEMU ?";

    public static string Other(string host) => host == "a" ? "b" : "a";

    public static Lab Create()
    {
        string dir = Directory.CreateTempSubdirectory("hmig-").FullName;
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        Console.Error.WriteLine($"lab: {dir}");
        return new Lab(dir);
    }

    /// <summary>Starts A, builds the tiny image there, copies it to B, starts B, and makes the two trust each other.</summary>
    public async Task StartAsync()
    {
        Daemon a = await StartDaemonAsync("a");
        (await a.CliWithinAsync(TimeSpan.FromMinutes(3), null, "image", "build", "tiny")).Ok();
        Folders.Copy(Path.Combine(a.StateDir, "images", "tiny"), Path.Combine(_dir, "b", "state", "images", "tiny"));
        Daemon b = await StartDaemonAsync("b");
        string token = (await b.CliWithinAsync(TimeSpan.FromSeconds(30), null, "host", "token")).Ok().Stdout.Trim().Split('\n')[^1].Trim();
        (await a.CliWithinAsync(TimeSpan.FromSeconds(30), null, "host", "add", "bench-b", $"127.0.0.1:{Ports["b"]}", "--token", token)).Ok();
        try
        {
            HostInfo info = await a.HostInfoAsync();
            QemuVersion = "QEMU " + info.QemuVersion + ", accelerator " + info.Accelerator;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or TimeoutException)
        {
        }
    }

    private async Task<Daemon> StartDaemonAsync(string host)
    {
        // The checker's disk is in the lab's folder, outside the store: a VM from the other host may use it only
        // because hospesd.conf says so (the security review's #2).
        string conf = Path.Combine(_dir, "hospesd.conf");
        File.WriteAllText(conf, $"migration.allow_paths = {_dir}\n");
        Daemon d = await Daemon.StartAsync(new DaemonOptions
        {
            Dir = Path.Combine(_dir, host),
            Args = ["--listen", $"127.0.0.1:{Ports[host]}", "--host-name", "bench-" + host, "--config", conf],
        });
        _daemons[host] = d;
        return d;
    }

    /// <summary>The memory checker on a raw disk in the lab's folder; both hosts see it at the same path.</summary>
    public string BuildMemcheck() => MemCheck.Disk(_dir);

    /// <summary>Creates the guest on A, waits for HOSPES-READY, starts memcheck and waits for its second pass.</summary>
    public async Task<string> CreateGuestAsync(string name, int memoryMib, string disk, int dirtyMib)
    {
        Daemon a = _daemons["a"];
        string cfg = Path.Combine(_dir, name + ".cfg");
        await File.WriteAllTextAsync(cfg, $"name = \"{name}\"\nkernel = \"image:tiny\"\nmemory = {memoryMib}\nvcpus = 1\ndisk = [ 'file:{disk},xvda,r' ]\n");
        (await a.CliWithinAsync(TimeSpan.FromMinutes(2), null, "create", cfg)).Ok();
        await a.WaitForConsoleAsync(name, Guest.Ready, limit: TimeSpan.FromSeconds(90));
        await SendLineAsync(a, name, MemCheck.Start(dirtyMib, 1000));
        await a.WaitForConsoleAsync(name, "memcheck pass 2 ", limit: TimeSpan.FromSeconds(120));
        return "a";
    }

    public async Task<MigrationRun> MigrateAsync(string name, string from, bool qemuDefaults)
    {
        string[] cmd = qemuDefaults
            ? ["migrate", name, "bench-" + Other(from), "--format", "json", "--qemu-defaults", "--timeout", "30"]
            : ["migrate", name, "bench-" + Other(from), "--format", "json"];
        var sw = Stopwatch.StartNew();
        CliResult r;
        try
        {
            r = await _daemons[from].CliWithinAsync(TimeSpan.FromMinutes(3), null, cmd);
        }
        catch (TimeoutException e)
        {
            double ms = sw.Elapsed.TotalMilliseconds;
            return new MigrationRun(false, ms, null, null, 0, 0, "failed", e.Message.ReplaceLineEndings(" "), ms);
        }

        double wall = sw.Elapsed.TotalMilliseconds;
        if (r.ExitCode != 0)
        {
            return new MigrationRun(false, wall, null, null, 0, 0, "failed", (r.Stderr + r.Stdout).Trim().ReplaceLineEndings(" "), wall);
        }

        try
        {
            MigrationSummary s = Wire.Read<MigrationSummary>(r.Stdout);
            return new MigrationRun(true, s.TotalMs, s.DowntimeMs, s.QemuDowntimeMs, s.TransferredBytes, s.Passes, s.Mode, null, wall);
        }
        catch (JsonException e)
        {
            return new MigrationRun(false, wall, null, null, 0, 0, "failed", "unreadable summary: " + e.Message + " " + r.Stdout, wall);
        }
    }

    /// <summary>The guest's console log as `hospes console --show-log` on <paramref name="host"/> prints it ("" when it cannot).</summary>
    /// <summary>
    /// The guest's console on <paramref name="host"/> once memcheck printed a pass there: the VM's folder (and its
    /// console log) is new on every arrival, so right after a quick migration it may not hold a pass line yet.
    /// </summary>
    public async Task<string> ConsoleLogAsync(string host, string name)
    {
        await _daemons[host].WaitForConsoleAsync(name, "memcheck pass ", limit: TimeSpan.FromSeconds(30));
        return (await _daemons[host].CliWithinAsync(TimeSpan.FromSeconds(30), null, "console", name, "--show-log")).Ok().Stdout;
    }

    public async Task DeleteGuestAsync(string name, string host)
    {
        await _daemons[host].CliWithinAsync(TimeSpan.FromMinutes(1), null, "destroy", name);
        await _daemons[host].CliWithinAsync(TimeSpan.FromMinutes(1), null, "delete", name);
    }

    /// <summary>Types one line on the guest's console through the API's WebSocket, as the integration tests do.</summary>
    private static async Task SendLineAsync(Daemon d, string name, string line)
    {
        await using GuestConsole console = await d.OpenConsoleAsync(name);
        await console.SendLineAsync(line);
        await Task.Delay(1000);
    }

    /// <summary>Stops both daemons and every QEMU they started; the lab's folder stays for a look at the logs.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (Daemon d in _daemons.Values)
        {
            await d.DisposeAsync();
        }

        _daemons.Clear();
    }
}
