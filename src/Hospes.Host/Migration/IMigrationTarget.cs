using Hospes.Core.Errors;

namespace Hospes.Host.Migration;

/// <summary>
/// The destination of an outgoing migration, as the source sees it (another hospesd over TLS). A call that got no
/// answer fails with <see cref="NoAnswer"/>, one that never reached it with <see cref="NotDelivered"/>; any other
/// error is the destination's own answer.
/// </summary>
internal interface IMigrationTarget
{
    /// <summary>The destination's name on this host.</summary>
    string Name { get; }

    /// <summary>The address QEMU sends the stream and the disks to (the one its hospesd is reached at).</summary>
    string StreamHost { get; }

    Task<Result<MigrationPrepared>> PrepareAsync(MigrationOffer offer, CancellationToken ct);

    /// <summary>The stream ended: the destination continues the guest. <paramref name="probe"/>: only walk the path (no effect).</summary>
    Task<Result<MigrationFinished>> FinishAsync(string id, bool run, bool postcopy, bool probe, CancellationToken ct);

    /// <summary>
    /// The destination drops what it prepared (it also does so by itself when the stream fails). Ok only when it
    /// confirms it dropped it; it refuses once the switch-over has begun there (the guest may run there).
    /// </summary>
    Task<Result<bool>> AbortAsync(string id, CancellationToken ct);
}
