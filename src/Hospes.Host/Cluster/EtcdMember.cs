using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster;

/// <summary>
/// This host's etcd member, started and watched by hospesd: its data in the state dir, mutual TLS from the cluster CA
/// for peers and clients. It runs in its own session with its output in `etcd.log`, so a hospesd killed with -9 leaves
/// it running (the cluster keeps its quorum) and the next hospesd takes it over by its pid file; one that dies is
/// started again within a second; a hospesd that stops cleanly stops it.
/// </summary>
internal sealed partial class EtcdMember : IAsyncDisposable
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private readonly ClusterFiles _files;
    private readonly ClusterConfig _config;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private Task? _watch;
    private int _pid;

    public EtcdMember(ClusterFiles files, ClusterConfig config, ILogger log)
    {
        _files = files;
        _config = config;
        _log = log;
    }

    public int Pid => _pid;

    /// <summary>Takes over a running member of this state dir, or starts one; then watches it.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (ReadPid() is int pid && IsOurs(pid))
        {
            _pid = pid;
            if (!CommandLine(pid).Contains("--client-crl-file"))
            {
                // Started by an older hospes, without the cluster's CRL: started again with it (each host as it is upgraded).
                LogRestartedForCrl(pid);
                await StopProcessAsync().ConfigureAwait(false);
                await LaunchAsync(ct).ConfigureAwait(false);
            }
            else
            {
                LogAdopted(pid);
            }
        }
        else
        {
            await LaunchAsync(ct).ConfigureAwait(false);
        }

        _watch = WatchAsync(_stop.Token);
    }

    /// <summary>The etcd command line (after the program), for this member.</summary>
    public static IReadOnlyList<string> Arguments(ClusterFiles files, ClusterConfig c) =>
    [
        "--name", c.Member,
        "--data-dir", files.EtcdData,
        "--listen-client-urls", c.ClientUrl,
        "--advertise-client-urls", c.ClientUrl,
        "--listen-peer-urls", c.PeerUrl,
        "--initial-advertise-peer-urls", c.PeerUrl,
        "--initial-cluster", c.InitialCluster,
        "--initial-cluster-state", c.InitialState,
        "--initial-cluster-token", "hospes-" + c.Name,
        "--cert-file", files.MemberCertificate,
        "--key-file", files.MemberKey,
        "--client-cert-auth",
        "--trusted-ca-file", files.CaCertificate,
        "--peer-cert-file", files.MemberCertificate,
        "--peer-key-file", files.MemberKey,
        "--peer-client-cert-auth",
        "--peer-trusted-ca-file", files.CaCertificate,
        "--client-crl-file", files.Crl,
        "--peer-crl-file", files.Crl,
        "--heartbeat-interval", "200",
        "--election-timeout", "2000",

        // A member cut off and back (a healed partition) must not force an election with its raised term: the
        // renewals of every host would fail meanwhile, and under load long enough for healthy hosts to fence their HA VMs.
        "--pre-vote",
        "--logger", "zap",
        "--log-outputs", "stderr",
    ];

    /// <summary>Stops watching and stops etcd, for good (this host was removed from the cluster); dispose still follows.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_watch is not null)
        {
            await _watch.ConfigureAwait(false);
        }

        await StopProcessAsync().ConfigureAwait(false);
    }

    /// <summary>Stops etcd (SIGTERM, then SIGKILL after 10 s) and its watch.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_watch is not null)
        {
            await _watch.ConfigureAwait(false);
        }

        await StopProcessAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(CheckEvery, ct).ConfigureAwait(false);
                if (!IsOurs(_pid))
                {
                    LogDied(_pid, _files.EtcdLog);
                    await LaunchAsync(ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            LogWatchFailed(e.Message);
        }
    }

    private async Task LaunchAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_files.EtcdData);
        File.SetUnixFileMode(_files.EtcdData, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Delete(_files.EtcdPid);

        // setsid -f: its own session, not our child; the shell writes its pid, then becomes etcd.
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (string a in (string[])["-f", "/bin/sh", "-c", "echo $$ >\"$0\"; exec etcd \"$@\" >>\"$HOSPES_ETCD_LOG\" 2>&1 </dev/null", _files.EtcdPid, .. Arguments(_files, _config)])
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["HOSPES_ETCD_LOG"] = _files.EtcdLog;
        using (Process p = Process.Start(start) ?? throw new InvalidOperationException("could not start setsid for etcd"))
        {
            await p.WaitForExitAsync(ct).ConfigureAwait(false);
        }

        for (int i = 0; i < 50 && ReadPid() is null; i++)
        {
            await Task.Delay(20, ct).ConfigureAwait(false);
        }

        _pid = ReadPid() ?? throw new InvalidOperationException($"etcd did not start; see {_files.EtcdLog}");
        LogStarted(_pid, _config.ClientUrl);
    }

    private async Task StopProcessAsync()
    {
        if (!IsOurs(_pid))
        {
            return;
        }

        Signal(_pid, "TERM");
        for (int i = 0; i < 100 && IsOurs(_pid); i++)
        {
            await Task.Delay(100).ConfigureAwait(false);
        }

        if (IsOurs(_pid))
        {
            Signal(_pid, "KILL");
        }

        File.Delete(_files.EtcdPid);
        LogStopped(_pid);
    }

    private static void Signal(int pid, string signal)
    {
        using Process? kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        kill?.WaitForExit();
    }

    private int? ReadPid() =>
        File.Exists(_files.EtcdPid) && int.TryParse(File.ReadAllText(_files.EtcdPid).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;

    private static string[] CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>A live (not zombie) etcd whose command line names this state dir's data dir: never a reused pid.</summary>
    private bool IsOurs(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            char state = stat[(stat.LastIndexOf(')') + 2)..][0];
            string[] argv = CommandLine(pid);
            return state is not ('Z' or 'X') && argv.Length > 0 && Path.GetFileName(argv[0]) == "etcd" && argv.Contains(_files.EtcdData);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
