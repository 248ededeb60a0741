using Hospes.Core.Errors;

namespace Hospes.Host.Edge;

/// <summary>
/// Forks (and `clone --instant` of a running template) run on the host that has the VM: they map its memory file
/// there. In a cluster the request reaches that host (the VM's owner answers it); a pin to another host is refused.
/// </summary>
public static class ForkHost
{
    /// <summary>The refusal of forks of <paramref name="vm"/> pinned to <paramref name="pinned"/>; null: they may run here.</summary>
    public static HospesError? Refusal(string vm, string? pinned, string here) =>
        pinned is null or "" || pinned == here
            ? null
            : HospesError.State($"--host {pinned}: the forks of '{vm}' (a running VM or a running template) run on host '{here}', which has it: they share its memory there and cannot be placed on another host; leave --host out (or --host {here}), or make a running template on host '{pinned}' (`hospes template create VM --running` for a VM there)");
}
