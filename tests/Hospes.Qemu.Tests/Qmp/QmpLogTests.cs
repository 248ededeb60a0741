using Hospes.Qemu.Logs;
using Hospes.Qemu.Qmp;

namespace Hospes.Qemu.Tests.Qmp;

/// <summary>Finding #10: qmp.log holds what a guest drives (its events), so it rotates as it is written.</summary>
public sealed class QmpLogTests
{
    [Fact]
    public void AGuestResettingInALoop_KeepsQmpLogAndItsOlderPartWithinTheCap()
    {
        using var dir = new TempDir();
        string path = dir.File("qmp.log");
        const long cap = 64 * 1024;
        using (var log = new QmpLog(path, TimeProvider.System, cap))
        {
            for (int i = 0; i < 20_000; i++)
            {
                log.Write("<-", $"{{\"event\": \"RESET\", \"data\": {{\"guest\": true, \"reason\": \"guest-reset\"}}, \"n\": {i}}}");
            }
        }

        long now = new FileInfo(path).Length, older = new FileInfo(LogCap.OlderPart(path)).Length;
        Assert.True(now + older <= cap + 200, $"qmp.log {now} B + qmp.log.1 {older} B, the cap is {cap} B");
        Assert.Contains("\"n\": 19999}", File.ReadAllText(path), StringComparison.Ordinal);
    }
}
