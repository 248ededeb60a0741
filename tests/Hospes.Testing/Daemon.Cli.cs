using Hospes.Contracts;

namespace Hospes.Testing;

/// <summary>The daemon through the real CLI (HOSPES_SOCKET) or the typed client, and what it leaves on the host.</summary>
public sealed partial class Daemon
{
    /// <summary>Runs `hospes ARGS` against this daemon; returns how it ended (check with <see cref="CliResult.Ok"/>).</summary>
    public Task<CliResult> CliAsync(params string[] args) => CliWithinAsync(_cliTimeout, null, args);

    public Task<CliResult> CliWithInputAsync(string? stdin, params string[] args) => CliWithinAsync(_cliTimeout, stdin, args);

    /// <summary>Runs `hospes ARGS` with <paramref name="stdin"/>, killed after <paramref name="limit"/> (a <see cref="TimeoutException"/>).</summary>
    public Task<CliResult> CliWithinAsync(TimeSpan limit, string? stdin, params string[] args) =>
        Run.ProcessAsync(Repo.Hospes, args, new Dictionary<string, string> { ["HOSPES_SOCKET"] = Socket }, stdin, limit);

    /// <summary>`hospes ARGS --format json`, which must succeed, read into the wire record <typeparamref name="T"/>.</summary>
    public async Task<T> JsonAsync<T>(params string[] args)
    {
        CliResult r = (await CliAsync([.. args, "--format", "json"])).Ok();
        return Wire.Read<T>(r.Stdout);
    }

    public Task<VmInfo> InfoAsync(string name) => Client.Vms.GetAsync(name, CancellationToken.None);

    /// <summary>This hospesd's own VMs (in a cluster too: `GET /v1/vms?local=true`).</summary>
    public async Task<List<VmInfo>> ListAsync() => [.. await Client.Vms.ListAsync(local: true, CancellationToken.None)];

    public Task<HostInfo> HostInfoAsync() => Client.Host.InfoAsync(CancellationToken.None);

    public async Task<string> ConsoleLogAsync(string name) => (await CliAsync("console", name, "--show-log")).Ok().Stdout;

    /// <summary>
    /// Waits until the console log holds <paramref name="marker"/> at least <paramref name="count"/> times and returns it;
    /// throws a <see cref="TimeoutException"/> with the console and hospesd's log after <paramref name="limit"/> (90 s unless
    /// given). It asks hospesd once where the log is and then reads the file: a CLI process per poll would take the CPU
    /// the booting guest needs (`hospes console --show-log` is tested on its own).
    /// </summary>
    public async Task<string> WaitForConsoleAsync(string name, string marker, int count = 1, TimeSpan? limit = null)
    {
        TimeSpan wait = limit ?? TimeSpan.FromSeconds(90);
        var deadline = DateTime.UtcNow + wait;
        string path = (await InfoAsync(name)).ConsoleLog ?? throw new InvalidOperationException($"{name} has no console log");
        while (true)
        {
            string log = await ConsoleFile.ReadAsync(path);
            if (Occurrences(log, marker) >= count)
            {
                return log;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name}: '{marker}' x{count} not on the console after {wait.TotalSeconds} s; console:\n{log}\nhospesd log:\n{LogTail(200)}");
            }

            await Task.Delay(100);
        }
    }

    public Task<GuestConsole> OpenConsoleAsync(string name) => GuestConsole.OpenAsync(Client, name);

    /// <summary>Writes a config file into the daemon's folder and returns its path.</summary>
    public string WriteConfig(string fileName, string text)
    {
        string path = Path.Combine(Dir, fileName);
        File.WriteAllText(path, text);
        return path;
    }

    public IReadOnlyList<int> Qemus() => HostProcesses.WithArgument(Dir + "/");

    /// <summary>dnsmasq processes of this hospesd's networks (their files are in its state dir).</summary>
    public IReadOnlyList<int> Dnsmasqs() => HostProcesses.WithArgument(Dir + "/", "dnsmasq");

    /// <summary>Sockets and pid files of VMs left in the run dir (the API socket aside).</summary>
    public IReadOnlyList<string> RuntimeFiles() =>
        [.. Directory.EnumerateFiles(Dir).Where(f => f.EndsWith(".qmp", StringComparison.Ordinal) || f.EndsWith(".console", StringComparison.Ordinal) || f.EndsWith(".pid", StringComparison.Ordinal))];

    public IReadOnlyList<string> VmDirs() =>
        Directory.Exists(Path.Combine(StateDir, "vms")) ? Directory.GetDirectories(Path.Combine(StateDir, "vms")) : [];

    /// <summary>How often <paramref name="marker"/> stands in <paramref name="text"/> (not overlapping).</summary>
    public static int Occurrences(string text, string marker)
    {
        int n = 0;
        for (int i = text.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = text.IndexOf(marker, i + marker.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
