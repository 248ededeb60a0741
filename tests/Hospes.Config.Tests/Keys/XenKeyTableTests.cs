using Hospes.Config.Keys;
using Hospes.Config.Tests.TestSupport;

namespace Hospes.Config.Tests.Keys;

public sealed class XenKeyTableTests
{
    public static TheoryData<string> ManPages => new() { "xl.cfg.5.keys", "xmdomain.cfg.5.keys" };

    [Theory]
    [MemberData(nameof(ManPages))]
    public void EveryKeyOfTheManPage_IsInTheTable(string page)
    {
        string[] keys = [.. File.ReadAllLines(Configs.FixturePath("xen-keys", page)).Where(l => l.Length > 0 && !l.StartsWith('#'))];

        Assert.True(keys.Length > 20, $"{page} lists {keys.Length} keys; the fixture is truncated");
        string[] missing = [.. keys.Where(k => XenKeyTable.Find(k) is null)];
        Assert.True(missing.Length == 0, $"keys of {page} missing from XenKeyTable: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryKey_IsListedOnce_WithAnEffect()
    {
        Assert.Empty(XenKeyTable.All.GroupBy(k => k.Name).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(XenKeyTable.All.Where(k => string.IsNullOrWhiteSpace(k.Effect) || string.IsNullOrWhiteSpace(k.Origin)).Select(k => k.Name));
    }

    public static TheoryData<string> NotHonoured => [.. XenKeyTable.All.Where(k => k.Class != XenKeyClass.Honoured).Select(k => k.Name)];

    [Theory]
    [MemberData(nameof(NotHonoured))]
    public void Read_EveryKeyNotHonoured_GetsExactlyWhatItsClassPromises(string name)
    {
        XenKey key = XenKeyTable.Find(name)!;

        ConfigReadResult on = Configs.Read(Configs.Minimal + name + " = 1\n", Configs.Host(), path: "web.cfg");
        ConfigReadResult off = Configs.Read(Configs.Minimal + name + " = 0\n", Configs.Host(), path: "web.cfg");

        Assert.NotNull(on.Spec);
        ConfigDiagnostic d = Assert.Single(on.Diagnostics);
        if (key.Class == XenKeyClass.Meaningless)
        {
            Assert.Equal((DiagnosticSeverity.Note, $"{name}: nothing to do under QEMU: {key.Effect}"), (d.Severity, d.Message));
            Assert.Equal([DiagnosticSeverity.Note], off.Diagnostics.Select(x => x.Severity));
        }
        else
        {
            Assert.Equal((DiagnosticSeverity.Warning, $"{name}: not available here: {key.Effect}"), (d.Severity, d.Message));
            Assert.Empty(off.Diagnostics);
        }
    }

    [Fact]
    public void Read_AnyConfig_FindsTheGroupsReadingExactlyTheHonouredKeys()
    {
        // TableKeys throws when a group reads a key the table does not honour, or an honoured key is read by none.
        ConfigReadResult result = Configs.Read(Configs.Minimal, Configs.Host());

        Assert.NotNull(result.Spec);
    }
}
