using System.Globalization;
using Hospes.Network.Tools;

namespace Hospes.Network.Dhcp;

/// <summary>
/// One dnsmasq per network: DHCP with reserved addresses only, and DNS for the guests' names. dnsmasq
/// daemonizes into its own session, so it outlives hospesd; it is found again through its pid file.
/// </summary>
public sealed class Dnsmasq(NetTools tools, TimeProvider? time = null)
{
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Searchable = Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TermWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Writes the files and starts dnsmasq, replacing one already running for this directory. Returns once
    /// dnsmasq has bound its sockets and written its pid file; when it cannot start, the exception carries
    /// dnsmasq's own words (e.g. "failed to create listening socket for 10.165.1.1: Address already in use").
    /// </summary>
    public async Task StartAsync(DnsmasqSpec s, CancellationToken ct)
    {
        string config = DnsmasqConfig.Render(s);
        var p = new DnsmasqPaths(s.Directory);
        WriteFiles(s, config);
        await StopAsync(s.Directory, ct).ConfigureAwait(false);
        if (File.Exists(p.Leases))
        {
            string leases = await File.ReadAllTextAsync(p.Leases, ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(p.Leases, DnsmasqLeases.KeepMatching(leases, s.Hosts), ct).ConfigureAwait(false);
        }

        ToolResult r = await tools.TryRunAsync("dnsmasq", [$"--conf-file={p.Config}"], ct).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            string why = $"{r.StandardError.Trim()} {r.StandardOutput.Trim()}".Trim();
            throw new NetToolException(
                $"dnsmasq for network {s.NetworkName} did not start (exit code {r.ExitCode}): {(why.Length == 0 ? $"see {p.Log}" : why)}",
                r.CommandLine,
                r.ExitCode,
                r.StandardError);
        }

        long started = _time.GetTimestamp();
        while (RunningPid(s.Directory) is null)
        {
            if (_time.GetElapsedTime(started) > StartWait)
            {
                throw new NetToolException(
                    $"dnsmasq for network {s.NetworkName} reported a start but wrote no pid file {p.PidFile} within {StartWait.TotalSeconds:0} s; see {p.Log}",
                    r.CommandLine,
                    r.ExitCode,
                    r.StandardError);
            }

            await Task.Delay(Poll, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Rewrites the hosts files and makes dnsmasq re-read them (SIGHUP re-reads dhcp-hostsfile and addn-hosts;
    /// leases and sockets stay). Starts dnsmasq when it is not running, and restarts it when SIGHUP is not
    /// enough: the rest of its config changed (mode, subnet, bridge), or an address moved to another MAC while
    /// the old MAC still holds a lease on it.
    /// </summary>
    public async Task UpdateHostsAsync(DnsmasqSpec s, CancellationToken ct)
    {
        string config = DnsmasqConfig.Render(s);
        var p = new DnsmasqPaths(s.Directory);
        int? pid = RunningPid(s.Directory);
        if (pid is null
            || !File.Exists(p.Config)
            || await File.ReadAllTextAsync(p.Config, ct).ConfigureAwait(false) != config
            || (File.Exists(p.Leases) && DnsmasqLeases.HasConflicts(await File.ReadAllTextAsync(p.Leases, ct).ConfigureAwait(false), s.Hosts)))
        {
            await StartAsync(s, ct).ConfigureAwait(false);
            return;
        }

        WriteFiles(s, config);
        Processes.Signal(pid.Value, Processes.SigHup);
    }

    /// <summary>
    /// The pid of this directory's dnsmasq, or null. A pid from the file counts only while that process's
    /// command line names this directory's config: after a reboot or a crash the pid may belong to anything.
    /// </summary>
    public static int? RunningPid(string directory)
    {
        var p = new DnsmasqPaths(directory);
        string text;
        try
        {
            text = File.ReadAllText(p.PidFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0)
        {
            return null;
        }

        string ours = $"--conf-file={p.Config}";
        return Processes.CommandLine(pid).Contains(ours, StringComparer.Ordinal) ? pid : null;
    }

    /// <summary>Ends this directory's dnsmasq: SIGTERM, then SIGKILL if it lingers. Removes the pid file, which dnsmasq leaves behind.</summary>
    public async Task StopAsync(string directory, CancellationToken ct)
    {
        var p = new DnsmasqPaths(directory);
        if (RunningPid(directory) is int pid)
        {
            Processes.Signal(pid, Processes.SigTerm);
            if (!await WaitEndedAsync(pid, TermWait, ct).ConfigureAwait(false))
            {
                Processes.Signal(pid, Processes.SigKill);
                if (!await WaitEndedAsync(pid, KillWait, ct).ConfigureAwait(false))
                {
                    throw new NetToolException($"dnsmasq (pid {pid}) for {directory} did not end after SIGKILL");
                }
            }
        }

        File.Delete(p.PidFile);
    }

    private async Task<bool> WaitEndedAsync(int pid, TimeSpan limit, CancellationToken ct)
    {
        long start = _time.GetTimestamp();
        while (!Processes.HasEnded(pid))
        {
            if (_time.GetElapsedTime(start) > limit)
            {
                return false;
            }

            await Task.Delay(Poll, _time, ct).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// dnsmasq reads its config and opens its leases, pid file and log as root, then drops to user nobody and reads the
    /// hosts files as nobody (at start and on every SIGHUP): they and every folder above them must be readable by
    /// others. With a hosts directory of their own, the network's directory is root's alone.
    /// </summary>
    private static void WriteFiles(DnsmasqSpec s, string config)
    {
        var p = new DnsmasqPaths(s.Directory, s.HostsDirectory);
        Directory.CreateDirectory(s.Directory);
        File.SetUnixFileMode(s.Directory, s.HostsDirectory is null ? Searchable : Private);
        string hosts = s.HostsDirectory ?? s.Directory;
        Directory.CreateDirectory(hosts);
        File.SetUnixFileMode(hosts, Searchable);
        ThrowIfNotSearchable(s, hosts);
        WriteAtomically(p.Config, config);
        WriteAtomically(p.DhcpHosts, DnsmasqConfig.RenderDhcpHosts(s.Hosts));
        WriteAtomically(p.DnsHosts, DnsmasqConfig.RenderDnsHosts(s.Hosts, s.NetworkName));
    }

    private static void ThrowIfNotSearchable(DnsmasqSpec s, string hosts)
    {
        if (s.User == "root")
        {
            return;
        }

        for (DirectoryInfo? d = new DirectoryInfo(hosts).Parent; d is not null; d = d.Parent)
        {
            if ((d.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                throw new NetToolException(
                    $"dnsmasq for network {s.NetworkName} could not read its hosts files: it runs as user {s.User ?? "nobody"}, and folder {d.FullName} "
                    + $"is not searchable by others; run 'chmod o+x {d.FullName}' or keep network directories elsewhere");
            }
        }
    }

    // dnsmasq may re-read a hosts file at any moment (SIGHUP from an earlier update): it must never see half of one.
    private static void WriteAtomically(string path, string text)
    {
        string temporary = path + ".new";
        File.WriteAllText(temporary, text);
        File.SetUnixFileMode(temporary, Readable);
        File.Move(temporary, path, overwrite: true);
    }
}
