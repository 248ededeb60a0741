namespace Hospes.Host.State;

/// <summary>
/// Which RAM file a record names (<see cref="VmRecord.RamFile"/>): a fork point's (`.../fork-ID/ram`, mapped privately by
/// every fork of it) or a forkable VM's own. Here, below Vms.Forks.ForkRam (which makes these paths), so that memory
/// accounting can tell forks apart; ForkFilesTests keeps the two in step.
/// </summary>
internal static class ForkFiles
{
    public static bool IsForkRam(string? ramFile) =>
        ramFile is not null && Path.GetFileName(ramFile) == "ram" && Path.GetFileName(Path.GetDirectoryName(ramFile))?.StartsWith("fork-", StringComparison.Ordinal) == true;
}
