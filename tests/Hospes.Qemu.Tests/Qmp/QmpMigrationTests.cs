using System.Text.Json;
using Hospes.Qemu.Qmp;

namespace Hospes.Qemu.Tests.Qmp;

public class QmpMigrationTests
{
    [Fact]
    public void ActiveStream_GivesItsFigures_DirtyRateInBytes()
    {
        // Shaped as QEMU 10 answers query-migrate on the source during pre-copy.
        MigrationStatus s = QmpMigration.Parse(Parse("""
            {"expected-downtime": 31, "status": "active", "setup-time": 4, "total-time": 412, "cpu-throttle-percentage": 20,
             "ram": {"total": 285212672, "remaining": 10485760, "transferred": 201326592, "dirty-pages-rate": 32768,
                     "page-size": 4096, "dirty-sync-count": 3, "mbps": 3950.5}}
            """));
        Assert.Equal(("active", 201326592L, 10485760L, 285212672L), (s.Status, s.TransferredBytes, s.RemainingBytes, s.TotalBytes));
        Assert.Equal((32768L * 4096, 3, 3950.5, 20), (s.DirtyBytesPerSecond, s.Passes, s.Mbps, s.ThrottlePercent));
        Assert.Equal((31L, (long?)null, 412L), (s.ExpectedDowntimeMs, s.DowntimeMs, s.TotalTimeMs));
        Assert.False(s.IsCompleted || s.IsFailed || s.IsPostcopy);
    }

    [Fact]
    public void Completed_Failed_Postcopy_AndAListeningDestination_AreRecognised()
    {
        Assert.Equal(8L, QmpMigration.Parse(Parse("""{"status": "completed", "downtime": 8, "ram": {"transferred": 5}}""")).DowntimeMs);
        MigrationStatus failed = QmpMigration.Parse(Parse("""{"status": "failed", "error-desc": "Unable to write to socket: Broken pipe"}"""));
        Assert.True(failed.IsFailed);
        Assert.Equal("Unable to write to socket: Broken pipe", failed.Error);
        Assert.True(QmpMigration.Parse(Parse("""{"status": "postcopy-active"}""")).IsPostcopy);
        Assert.Equal(45211, QmpMigration.Parse(Parse("""{"status": "setup", "socket-address": [{"port": "45211", "ipv4": true, "host": "127.0.0.1", "type": "inet"}]}""")).ListeningPort);
        Assert.Equal("none", QmpMigration.Parse(Parse("{}")).Status);
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
