using Hospes.Config.Keys;
using Hospes.Config.Syntax;

namespace Hospes.Config.Reading;

/// <summary>
/// The keys of <see cref="XenKeyTable"/> no group reads: a meaningless key gets a note (shown with --verbose), an
/// impossible one a warning saying what the guest lacks, unless its value turns the thing off (nothing is lost).
/// Runs after every group, so it also checks that the groups read exactly the table's honoured keys.
/// </summary>
internal sealed class TableKeys : IKeyGroup
{
    public void Read(ReadContext context)
    {
        CheckGroupsAgreeWithTable(context.Settings.Claimed);
        foreach (XenKey key in XenKeyTable.All.Where(k => k.Class != XenKeyClass.Honoured))
        {
            if (context.Settings.Get(key.Name) is not { } setting)
            {
                continue;
            }

            if (key.Class == XenKeyClass.Meaningless)
            {
                context.KeyNote(setting, $"{key.Name}: nothing to do under QEMU: {key.Effect}");
            }
            else if (!IsOff(setting.Value))
            {
                context.KeyWarning(setting, $"{key.Name}: not available here: {key.Effect}");
            }
        }
    }

    /// <summary>0, "", "0", "no", "none", "off", "false" and [] ask for nothing, as xl reads booleans.</summary>
    public static bool IsOff(ConfigValue value) => value switch
    {
        NumberValue n => n.Number == 0,
        StringValue s => s.Value.Trim().ToLowerInvariant() is "" or "0" or "no" or "none" or "off" or "false",
        ListValue l => l.Items.All(IsOff),
        _ => false,
    };

    // A programming error, not a config problem: a group reads a key the table does not call honoured, or the table
    // calls a key honoured that no group reads. Every reader test trips over it.
    private static void CheckGroupsAgreeWithTable(IEnumerable<string> claimed)
    {
        var read = claimed.ToHashSet(StringComparer.Ordinal);
        var honoured = XenKeyTable.Of(XenKeyClass.Honoured).Select(k => k.Name).ToHashSet(StringComparer.Ordinal);
        string[] unread = [.. honoured.Except(read).Order(StringComparer.Ordinal)];
        string[] unlisted = [.. read.Except(honoured).Order(StringComparer.Ordinal)];
        if (unread.Length > 0 || unlisted.Length > 0)
        {
            throw new InvalidOperationException(
                $"the key table and the key groups disagree: honoured but read by no group: [{string.Join(", ", unread)}]; read but not honoured in the table: [{string.Join(", ", unlisted)}]");
        }
    }
}
