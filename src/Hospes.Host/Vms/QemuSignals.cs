using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

/// <summary>
/// What a migration needs to know of its QEMU's events, taken as they arrive (before the queue sees them): when the
/// guest stopped, when the outgoing stream completed, and a signal at every MIGRATION event.
/// </summary>
internal sealed class QemuSignals
{
    private TaskCompletionSource _migrationChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When this QEMU last reported STOP (QEMU's own event time): the start of a switch-over's pause.</summary>
    public DateTimeOffset? LastStopAt { get; set; }

    /// <summary>When this QEMU last reported its outgoing stream completed (QEMU's event time).</summary>
    public DateTimeOffset? LastMigratedAt { get; set; }

    /// <summary>Completes at the next MIGRATION event (with the events capability): a stream's end is seen at once, not at the next poll.</summary>
    public Task MigrationChanged => Volatile.Read(ref _migrationChanged).Task;

    public void Observe(QmpEvent e)
    {
        if (e.Name == "STOP")
        {
            LastStopAt = e.Timestamp; // a migration's downtime starts here
        }
        else if (e.Name == "MIGRATION")
        {
            if (e.GetString("status") == "completed")
            {
                LastMigratedAt = e.Timestamp;
            }

            Interlocked.Exchange(ref _migrationChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }
}
