namespace Hospes.Host.Migration;

/// <summary>The destination's confirmation that the guest is its now (its state there), with when its QEMU resumed.</summary>
/// <remarks>
/// <paramref name="ReceivedAt"/> (the request arrived) and <paramref name="StreamCompleteAt"/> (that QEMU had the whole
/// stream) time the destination's part of a switch-over for the source's log. A probe answers QEMU's stream state.
/// </remarks>
internal sealed record MigrationFinished(string State, DateTimeOffset? ResumedAt, DateTimeOffset? ReceivedAt = null, DateTimeOffset? StreamCompleteAt = null);
