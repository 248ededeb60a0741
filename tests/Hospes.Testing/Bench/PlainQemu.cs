namespace Hospes.Testing.Bench;

/// <summary>
/// The kernel, initrd and kernel command line Hospes gave a guest: a benchmark's plain qemu-system-x86_64 run, its
/// anchor, boots the same.
/// </summary>
public sealed record PlainQemu(string Kernel, string Initrd, string Append)
{
    /// <summary>Reads them from the QEMU command line hospesd logged for <paramref name="vm"/>.</summary>
    public static async Task<PlainQemu> LearnAsync(Daemon daemon, string vm)
    {
        string started = await QemuLog.StartLineAsync(daemon, vm);
        return new PlainQemu(QemuLog.ArgumentAfter(started, "-kernel"), QemuLog.ArgumentAfter(started, "-initrd"), QemuLog.ArgumentAfter(started, "-append"));
    }

    /// <summary>A microvm with the serial console in <paramref name="serial"/>, then <paramref name="extra"/> (disks).</summary>
    public IReadOnlyList<string> Args(string accel, int memoryMib, string serial, params string[] extra) =>
    [
        "-accel", accel, "-machine", "microvm,acpi=on", "-cpu", accel == "kvm" ? "host" : "max", "-m", $"{memoryMib}M",
        "-nodefaults", "-no-user-config", "-display", "none", "-serial", $"file:{serial}",
        "-kernel", Kernel, "-initrd", Initrd, "-append", Append, .. extra,
    ];

    /// <summary>The command as a report shows it: arguments with spaces quoted, KERNEL and INITRD for the paths.</summary>
    public string Shown(IEnumerable<string> args) =>
        "qemu-system-x86_64 " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a))
            .Replace(Kernel, "KERNEL", StringComparison.Ordinal).Replace(Initrd, "INITRD", StringComparison.Ordinal);
}
