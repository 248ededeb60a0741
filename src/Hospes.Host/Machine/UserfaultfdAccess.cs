using System.Globalization;
using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Host.Settings;

namespace Hospes.Host.Machine;

/// <summary>
/// Post-copy lets a destination QEMU fault guest pages in from the source through userfaultfd, which the kernel gives
/// an unprivileged process only through /dev/userfaultfd (root's alone) or when vm.unprivileged_userfaultfd is 1 (for
/// every process of the host). hospesd grants the device to one QEMU's uid for the length of its incoming migration
/// (a POSIX ACL entry), and takes it back after; a QEMU that opened it keeps what it opened, nothing more.
/// </summary>
internal static class UserfaultfdAccess
{
    private const string Device = "/dev/userfaultfd";
    private const string Sysctl = "/proc/sys/vm/unprivileged_userfaultfd";

    public static async Task<Result<bool>> GrantAsync(int uid, CancellationToken ct)
    {
        if (!File.Exists(Device))
        {
            return File.Exists(Sysctl) && File.ReadAllText(Sysctl).Trim() == "1"
                ? true
                : HospesError.Unavailable(
                    $"post-copy needs userfaultfd for QEMU's uid {uid}: this kernel has no {Device} and vm.unprivileged_userfaultfd is 0; "
                    + "migrate without --postcopy, set vm.unprivileged_userfaultfd = 1, or run QEMU as root (qemu.uids = off)");
        }

        Result<ToolOutput> set = await ToolProcess.RunAsync(new ToolCommand("setfacl", ["-m", $"u:{Id(uid)}:rw", Device]) { Timeout = TimeSpan.FromSeconds(10) }, ct).ConfigureAwait(false);
        return set.IsOk
            ? true
            : HospesError.Unavailable($"post-copy needs {Device} for QEMU's uid {uid}, and setfacl failed: {set.Error.Message} (setup.sh installs the acl package)");
    }

    /// <summary>Takes the device back from <paramref name="uid"/>; a uid that had no entry is fine.</summary>
    public static async Task RevokeAsync(int uid)
    {
        if (File.Exists(Device))
        {
            _ = await ToolProcess.RunAsync(new ToolCommand("setfacl", ["-x", $"u:{Id(uid)}", Device]) { Timeout = TimeSpan.FromSeconds(10) }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>At start: entries a killed hospesd left for uids of <paramref name="range"/> go (no migration runs yet).</summary>
    public static async Task RevokeLeftoversAsync(UidRange range)
    {
        if (!File.Exists(Device))
        {
            return;
        }

        Result<ToolOutput> acl = await ToolProcess.RunAsync(new ToolCommand("getfacl", ["-cn", Device]) { Timeout = TimeSpan.FromSeconds(10) }, CancellationToken.None).ConfigureAwait(false);
        if (!acl.IsOk)
        {
            return;
        }

        foreach (string line in acl.Value.StandardOutput.Split('\n'))
        {
            string[] f = line.Split(':');
            if (f.Length == 3 && f[0] == "user" && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int uid) && range.Contains(uid))
            {
                await RevokeAsync(uid).ConfigureAwait(false);
            }
        }
    }

    private static string Id(int uid) => uid.ToString(CultureInfo.InvariantCulture);
}
