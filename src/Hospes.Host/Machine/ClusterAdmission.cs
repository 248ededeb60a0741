using System.Globalization;
using Hospes.Core.Errors;
using Hospes.Host.Access;

namespace Hospes.Host.Machine;

/// <summary>
/// In a cluster (issue 17): a project's memory and vCPU limits counted over every host too. <see cref="ProjectQuotas"/>
/// asks it after its own check; the cluster's service answers (a host in no cluster admits everything here).
/// </summary>
internal interface IClusterAdmission
{
    /// <summary>
    /// Before VM <paramref name="name"/> starts (<paramref name="now"/> null) or grows (<paramref name="now"/>: what it
    /// counts already): null when <paramref name="to"/> fits in its project's memory and vCPU limits over the whole
    /// cluster, and is recorded there; else the refusal (nothing recorded).
    /// </summary>
    Task<HospesError?> AdmitUseAsync(string name, string project, (long MemoryMiB, int Vcpus) to, (long MemoryMiB, int Vcpus)? now, QuotaRequest request, CancellationToken ct);
}

/// <summary>A host in no cluster: nothing to count over other hosts.</summary>
internal sealed class NoClusterAdmission : IClusterAdmission
{
    public static readonly NoClusterAdmission Instance = new();

    public Task<HospesError?> AdmitUseAsync(string name, string project, (long MemoryMiB, int Vcpus) to, (long MemoryMiB, int Vcpus)? now, QuotaRequest request, CancellationToken ct) =>
        Task.FromResult<HospesError?>(null);
}

/// <summary>A VM running (or starting) on this host, as its project's limits count it.</summary>
internal sealed record RunningUse(string Name, string Project, long MemoryMiB, int Vcpus);

/// <summary>This host's VMs that count against memory and vCPU limits: those with a QEMU, and those being started (admitted, no QEMU yet).</summary>
internal sealed record LocalUse(IReadOnlyList<RunningUse> Running, IReadOnlyCollection<string> Starting)
{
    public static LocalUse None { get; } = new([], []);

    /// <summary>A text that changes whenever what this host counts changes.</summary>
    public string Fingerprint() =>
        string.Join(';', Running.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Name}/{r.Project}/{r.MemoryMiB}/{r.Vcpus}")))
        + "|" + string.Join(';', Starting.Order(StringComparer.Ordinal));
}

