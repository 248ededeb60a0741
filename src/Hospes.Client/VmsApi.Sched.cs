using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>xl sched-credit: a VM's CPU weight and cap.</summary>
public sealed partial class VmsApi
{
    public Task<SchedCreditInfo> SchedCreditAsync(string name, CancellationToken ct) =>
        _c.SendAsync<SchedCreditInfo>(HttpMethod.Get, Routes.Path(Routes.VmSchedCredit, name), null, ct);

    /// <summary>Sets the weight and/or cap (null: unchanged; cap 0: none), at once while it runs and for its next start.</summary>
    public Task<SchedCreditInfo> SetSchedCreditAsync(string name, SchedCreditRequest request, CancellationToken ct) =>
        _c.SendAsync<SchedCreditInfo>(HttpMethod.Put, Routes.Path(Routes.VmSchedCredit, name), request, ct);
}
