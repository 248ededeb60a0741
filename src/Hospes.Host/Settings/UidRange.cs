using System.Globalization;

namespace Hospes.Host.Settings;

/// <summary>A range of uids, both ends included (`qemu.uids = FIRST-LAST`).</summary>
public sealed record UidRange(int First, int Last)
{
    /// <summary>
    /// Above nspawn's container range (to 1879048191) and subuid ranges, below systemd's foreign range (2147352576):
    /// no user, service or container of a Debian host gets these.
    /// </summary>
    public static readonly UidRange Default = new(2_000_000_000, 2_000_065_535);

    public int Count => Last - First + 1;

    public bool Contains(int uid) => uid >= First && uid <= Last;

    /// <summary>"FIRST-LAST" with 1000 &lt;= FIRST &lt;= LAST &lt; 2^31 (no uid of root's, no system account's).</summary>
    public static UidRange? Parse(string text)
    {
        string[] ends = text.Split('-', StringSplitOptions.TrimEntries);
        return ends.Length == 2
            && int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
            && int.TryParse(ends[1], NumberStyles.None, CultureInfo.InvariantCulture, out int last)
            && first >= 1000 && last >= first && last < int.MaxValue
            ? new UidRange(first, last)
            : null;
    }

    public override string ToString() => $"{First.ToString(CultureInfo.InvariantCulture)}-{Last.ToString(CultureInfo.InvariantCulture)}";
}
