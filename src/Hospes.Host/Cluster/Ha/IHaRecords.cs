using Hospes.Core.Errors;
using Hospes.Host.State;

namespace Hospes.Host.Cluster.Ha;

/// <summary>Where an HA VM's definition is kept for the other hosts (the cluster's store); nothing without a cluster.</summary>
internal interface IHaRecords
{
    /// <summary>Records (or records again) <paramref name="vm"/>'s definition; null when done or in no cluster.</summary>
    Task<HospesError?> RecordHaAsync(VmRecord vm, CancellationToken ct);

    /// <summary>
    /// The claim of an HA VM's new name (a rename): the owner key and the definition under the new name are created in
    /// one transaction, so the name is never this host's without its HA record. Null when done or in no cluster; the
    /// old name's keys stay until <see cref="ForgetHaAsync"/> and the claim's release.
    /// </summary>
    Task<HospesError?> ClaimRenamedHaAsync(VmRecord renamed, CancellationToken ct);

    /// <summary>Forgets a deleted HA VM's definition (best effort, logged).</summary>
    Task ForgetHaAsync(string name, CancellationToken ct);
}
