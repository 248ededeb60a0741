using System.Globalization;
using Hospes.Core.Errors;

namespace Hospes.Host.Access;

/// <summary>
/// A project's limits against a request: refused with the arithmetic and both ways out, e.g. "project lab1: 38 of 40
/// VMs used, cloning 3 would make 41; raise the limit with hospes project set lab1 --limit vms=41 or delete a VM".
/// </summary>
internal static class Quota
{
    /// <param name="where">Said after "used": where the usage was counted (" in cluster 'course' (host-a 1, host-b 1)"), or nothing.</param>
    public static HospesError? Check(string project, ProjectLimits limits, ProjectUsage usage, QuotaRequest request, string where = "")
    {
        var problems = new List<string>();
        if (limits.Vms is { } vms && request.Vms > 0 && usage.Vms + request.Vms > vms)
        {
            problems.Add(Line(project, usage.Vms, vms, "VMs", where, request, usage.Vms + request.Vms, $"vms={usage.Vms + request.Vms}", "delete a VM"));
        }

        if (limits.MemoryMiB is { } memory && request.MemoryMiB > 0 && usage.MemoryMiB + request.MemoryMiB > memory)
        {
            long total = usage.MemoryMiB + request.MemoryMiB;
            problems.Add(Line(project, Mib(usage.MemoryMiB), Mib(memory), "memory", where, request, Mib(total), $"memory={LimitText(total)}", "stop a VM"));
        }

        if (limits.Vcpus is { } vcpus && request.Vcpus > 0 && usage.Vcpus + request.Vcpus > vcpus)
        {
            problems.Add(Line(project, usage.Vcpus, vcpus, "vCPUs", where, request, usage.Vcpus + request.Vcpus, $"vcpus={usage.Vcpus + request.Vcpus}", "stop a VM"));
        }

        return problems.Count switch
        {
            0 => null,
            1 => HospesError.Unavailable(problems[0]),
            _ => HospesError.Unavailable(string.Join("\n", problems)) with { Details = problems },
        };
    }

    private static string Line(string project, object used, object limit, string what, string where, QuotaRequest request, object total, string raise, string other) =>
        string.Create(CultureInfo.InvariantCulture,
            $"project {project}: {used} of {limit} {what} used{where}, {request.Verb} {request.Subject} would make {total}; raise the limit with hospes project set {project} --limit {raise} or {other}");

    private static string Mib(long mib) => string.Create(CultureInfo.InvariantCulture, $"{mib} MiB");

    /// <summary>How the limit is written back on the command line: 66G when whole GiB, else 67000M.</summary>
    private static string LimitText(long mib) =>
        mib % 1024 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{mib / 1024}G")
            : string.Create(CultureInfo.InvariantCulture, $"{mib}M");
}
