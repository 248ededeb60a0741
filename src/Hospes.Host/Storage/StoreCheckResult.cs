using Hospes.Host.State;

namespace Hospes.Host.Storage;

/// <summary>`hospes disk check`: every volume checked, and what hospesd repaired when it started (and orphan files found now).</summary>
internal sealed record StoreCheckResult(IReadOnlyList<VolumeCheckResult> Volumes, IReadOnlyList<string> Repairs, bool Ok);

/// <summary>One volume checked: what is wrong with it, or why it was not fully checked (<paramref name="Note"/>).</summary>
internal sealed record VolumeCheckResult(VolumeRecord Volume, IReadOnlyList<string> Problems, string? Note = null)
{
    public bool Ok => Problems.Count == 0;
}
