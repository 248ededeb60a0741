using System.Text.Json;
using Hospes.Contracts;
using Hospes.Core.Json;
using Hospes.Core.Vms;
using Hospes.Host.Edge;
using Domain = Hospes.Host.Migration;

namespace Hospes.Host.Tests.Edge;

/// <summary>
/// The migration's messages have a domain and a wire type each: every field is mapped when the two serialize alike
/// (the domain with Core's options, the wire with its own), and what another host sends reads back unchanged.
/// </summary>
public sealed class MigrationWireTests
{
    private static readonly VmSpec Spec = new() { Name = "web", Uuid = Guid.Parse("9b2c1f3e-8d4a-4e6b-a1c2-3d4e5f607182"), Disks = [new DiskSpec { Target = "/d", Vdev = "xvda" }] };

    private static readonly Domain.MigrationOffer Offer = new()
    {
        Spec = Spec,
        RamMib = 384,
        Running = true,
        SourceHost = "host-a",
        QemuVersion = "10.0.2",
        Accel = "kvm",
        CpuModel = "EPYC",
        MirroredDisks = [new("xvda", 1L << 30)],
        InlineDisks = new Dictionary<string, string> { ["xvdb"] = "c2VlZA==" },
        SshHostKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----\n",
        Project = "lab1",
        Postcopy = true,
        DryRun = true,
    };

    [Fact]
    public void AnOffer_GoesOnTheWireWithEveryField_AndReadsBack()
    {
        MigrationOffer wire = MigrationWire.ToWire(Offer);

        Assert.Equal(Json(Offer), Wire(wire));
        Assert.Equal(Json(Offer), Json(MigrationWire.ToDomain(Read<MigrationOffer>(Wire(wire)))));
    }

    [Fact]
    public void APreparedAnswer_GoesOnTheWireWithEveryField_AndReadsBack()
    {
        var prepared = new Domain.MigrationPrepared
        {
            Id = "abc",
            Checks = [new("cpu", true, "kvm on both"), new("memory", false, "no room")],
            MigratePort = 49152,
            NbdPort = 49153,
            Exports = new Dictionary<string, string> { ["xvda"] = "drive0" },
        };
        MigrationPrepared wire = MigrationWire.ToWire(prepared);

        Assert.Equal(Json(prepared), Wire(wire));
        Assert.Equal(Json(prepared), Json(MigrationWire.ToDomain(Read<MigrationPrepared>(Wire(wire)))));
    }

    [Fact]
    public void AFinishedAnswer_GoesOnTheWireWithEveryField_AndReadsBack()
    {
        DateTimeOffset t = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var finished = new Domain.MigrationFinished("running", t, t.AddMilliseconds(-3), t.AddMilliseconds(-2));

        Assert.Equal(Json(finished), Wire(MigrationWire.ToWire(finished)));
        Assert.Equal(finished, MigrationWire.ToDomain(Read<MigrationFinished>(Wire(MigrationWire.ToWire(finished)))));
    }

    [Fact]
    public void ASummaryAndAnEvent_GoOnTheWireWithEveryField()
    {
        var summary = new Domain.MigrationSummary { Vm = "web", From = "a", To = "b", Mode = "postcopy", TotalMs = 900, DowntimeMs = 40, QemuDowntimeMs = 30, TransferredBytes = 5, DiskBytes = 6, Passes = 3, Note = "n" };
        var e = new Domain.MigrationEvent
        {
            Event = "progress",
            Message = "m",
            ElapsedMs = 1,
            Status = "active",
            TransferredBytes = 2,
            RemainingBytes = 3,
            TotalBytes = 4,
            DirtyBytesPerSecond = 5,
            Pass = 6,
            ExpectedDowntimeMs = 7,
            Mbps = 8.5,
            ThrottlePercent = 9,
            DiskCopiedBytes = 10,
            DiskTotalBytes = 11,
            Checks = [new("cpu", true, "ok")],
        };

        Assert.Equal(Json(summary), Wire(MigrationWire.ToWire(summary)));
        Assert.Equal(Json(e)[..^1] + ""","summary":null}""", Wire(MigrationWire.ToWire(e))); // only the last line, done, has a summary: the edge adds it
    }

    [Fact]
    public void AMigrateRequest_ReadsIntoTheDomainWithEveryField()
    {
        var request = new MigrateRequest { Host = "b", Offline = true, CopyStorage = true, DowntimeMs = 80, Postcopy = true, DryRun = true, ConvergeTimeoutS = 9, QemuDefaults = true };

        Assert.Equal(Wire(request), Json(MigrationWire.ToDomain(request)));
    }

    private static string Json<T>(T domain) => JsonSerializer.Serialize(domain, HospesJson.Options);

    private static string Wire<T>(T wire) => JsonSerializer.Serialize(wire, WireJson.Options);

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, WireJson.Options)!;
}
