using System.Globalization;
using System.Text.Json;
using Hospes.Core.Json;
using Hospes.Host.Cluster.Ha;

namespace Hospes.Host.Ha;

/// <summary>
/// The fence guard (`hospesd --fence-guard STATE_DIR`, Proxmox's watchdog-mux in spirit): a process of its own, started by
/// hospesd under setsid, that reads hospesd's orders every <see cref="Every"/> and, once their deadline has passed on
/// CLOCK_BOOTTIME without hospesd moving it, SIGKILLs the listed HA QEMUs (pid and start time). It does nothing else:
/// no etcd, no state DB, no threads of hospesd's that could hang it. It ends when its state dir is gone or on SIGTERM.
/// </summary>
public static class FenceGuardMain
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(string stateDir, CancellationToken ct)
    {
        var files = new FenceGuardFiles(Path.GetFullPath(stateDir));
        var killed = new HashSet<(int Pid, long Start)>();
        Say($"fence guard {Environment.ProcessId} watches {files.Orders}");
        while (!ct.IsCancellationRequested && Directory.Exists(files.StateDir))
        {
            FenceGuardOrders? orders = Read(files.Orders);
            long now = GuardProcs.NowMs();
            foreach (GuardedQemu q in FenceGuardDecisions.Victims(orders, now, GuardProcs.StartOf, killed))
            {
                bool sent = GuardProcs.Kill(q.Pid);
                killed.Add((q.Pid, q.Start));
                long late = now - orders!.DeadlineMs;
                Say($"{(sent ? "killed" : "could not kill")} QEMU of HA VM {q.Vm} (pid {q.Pid}, start {q.Start}): hospesd did not renew its fence deadline ({late} ms past it)");
                if (sent)
                {
                    var kill = new GuardKill(q.Vm, q.Pid, q.Start, late, DateTimeOffset.UtcNow);
                    await File.AppendAllTextAsync(files.Fired, JsonSerializer.Serialize(kill, HospesJson.Options) + "\n", CancellationToken.None).ConfigureAwait(false);
                }
            }

            try
            {
                await Task.Delay(Every, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        Say($"fence guard {Environment.ProcessId} ends");
        return 0;
    }

    /// <summary>The orders, or null when there are none (a guard started before its first orders, or stood down) or they do not parse.</summary>
    internal static FenceGuardOrders? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<FenceGuardOrders>(File.ReadAllText(path), HospesJson.Options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static void Say(string what) =>
        System.Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss.fff} {what}"));
}
