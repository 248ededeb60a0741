using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

/// <summary>A save's or restore's stream into or out of a file, followed to its end.</summary>
internal sealed class FileStreams(TimeProvider time)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    // Generous: a file stream of a large guest on a slow disk; a QEMU that dies ends the wait at once.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Polls query-migrate until the file stream has finished one way or the other. With <paramref name="signals"/> (a
    /// QEMU whose MIGRATION events are on) each wait also ends at the next event: a fork's few hundred KB of device state
    /// load in milliseconds, and 75 forks each waiting out a 50 ms poll cost seconds.
    /// </summary>
    public async Task<MigrationStatus> WaitAsync(IQmp qmp, QemuSignals? signals = null)
    {
        DateTimeOffset deadline = time.GetUtcNow() + Limit;
        while (true)
        {
            // Taken before the query: an event between the query and the wait still ends the wait.
            Task changed = signals?.MigrationChanged ?? Task.CompletedTask;
            MigrationStatus s = await qmp.QueryMigrateAsync().ConfigureAwait(false);
            if (s.IsCompleted || s.IsFailed)
            {
                return s;
            }

            if (time.GetUtcNow() > deadline)
            {
                await qmp.MigrateCancelAsync().ConfigureAwait(false);
                return s with { Status = "failed", Error = "did not finish within 10 minutes" };
            }

            if (signals is null)
            {
                await Task.Delay(Poll, time).ConfigureAwait(false);
            }
            else
            {
                await Task.WhenAny(changed, Task.Delay(Poll, time)).ConfigureAwait(false);
            }
        }
    }
}
