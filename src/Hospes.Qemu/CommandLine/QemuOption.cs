namespace Hospes.Qemu.CommandLine;

/// <summary>Values inside QEMU's `key=value,key=value` option strings.</summary>
public static class QemuOption
{
    /// <summary>
    /// QEMU reads a doubled comma as a comma inside a value: "a,,b" is the one value "a,b". Every value Hospes did not
    /// write itself goes through here, so a comma in it can never start another key (a mac "…,romfile=/etc/shadow").
    /// </summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace(",", ",,", StringComparison.Ordinal);
    }
}
