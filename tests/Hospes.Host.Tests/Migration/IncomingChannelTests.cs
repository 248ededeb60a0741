using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Migration;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Qemu.Qmp;
using Hospes.Testing.Fakes;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// The destination's doors during a migration, with QEMU faked: the stream and the disk export speak only TLS and let
/// in only the source's QEMU (one connection per disk), the VM takes no command but the migration's own until the
/// switch-over, and malformed or racing offers are refused without touching anything another VM owns.
/// </summary>
public sealed class IncomingChannelTests
{
    [Fact]
    public async Task Prepare_OpensTheStreamAndTheDisks_OverTls_ToTheSourcesQemuOnly()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = WithDisk(destination, "xvdb");

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.True(prepared.IsOk, prepared.Error?.Message);
        string id = prepared.Value.Id!, dir = Path.Combine(destination.Floor.Layout.VmDir(offer.Spec.Uuid), "migration-tls");
        FakeQmp qmp = destination.Qemu.Monitor;
        IReadOnlyList<JsonObject?> objects = qmp.AllArgumentsOf("object-add");
        Assert.Equal(
            $$"""{"qom-type":"tls-creds-x509","id":"mig-tls-{{id}}","dir":"{{dir}}","endpoint":"server","verify-peer":true}""",
            objects[0]!.ToJsonString());
        Assert.Equal($$"""{"qom-type":"authz-simple","id":"mig-authz-{{id}}","identity":"CN={{destination.SourceTls.Name}}"}""", objects[1]!.ToJsonString());
        Assert.Equal($$"""{"tls-creds":"mig-tls-{{id}}","tls-authz":"mig-authz-{{id}}"}""", qmp.ArgumentsOf("migrate-set-parameters")!.ToJsonString());
        Assert.True(qmp.Asked.ToList().IndexOf("migrate-set-parameters") < qmp.Asked.ToList().IndexOf("migrate-incoming"), string.Join(", ", qmp.Asked));
        JsonObject nbd = qmp.ArgumentsOf("nbd-server-start")!;
        Assert.Equal(($"mig-tls-{id}", $"mig-authz-{id}", 1), (nbd["tls-creds"]!.GetValue<string>(), nbd["tls-authz"]!.GetValue<string>(), nbd["max-connections"]!.GetValue<int>()));
        Assert.Contains(destination.SourceTls.CaCertificate, File.ReadAllText(Path.Combine(dir, "ca-cert.pem")), StringComparison.Ordinal);
        Assert.True(MigrationTls.IsName(prepared.Value.Tls!.Name));
        Assert.Contains(prepared.Value.Tls.CaCertificate, File.ReadAllText(Path.Combine(dir, "ca-cert.pem")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prepare_OfAnOfferWithoutTheSourcesTls_IsRefused_AndMakesNothing()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer(o => o with { Tls = null });

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.Equal("host-a sent no TLS certificate for the migration stream (the stream is always encrypted now); update Hospes on host-a", prepared.Error!.Message);
        Assert.Empty(destination.Floor.Qemu.Launched);
        destination.AssertNothingOf(offer.Spec);
    }

    [Fact]
    public async Task Prepare_WhenTheNbdPortIsTakenBeforeQemuBindsIt_TakesAnother()
    {
        await using var destination = new DestinationFloor();
        int tries = 0;
        destination.Floor.Qemu.OnLaunch += q => q.Monitor.Answer("nbd-server-start", _ => ++tries == 1
            ? throw new QmpException("nbd-server-start", "GenericError", "Failed to bind socket: Address already in use")
            : "{}");

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(WithDisk(destination, "xvdb"));

        Assert.True(prepared.IsOk, prepared.Error?.Message);
        Assert.Equal(2, tries);
        Assert.Equal(destination.Qemu.Monitor.ArgumentsOf("nbd-server-start")!["addr"]!["data"]!["port"]!.GetValue<string>(), prepared.Value.NbdPort.ToString());
    }

    [Fact]
    public async Task Finish_TakesTheTlsOutOfQemu_AndItsKeyAndTheJournalOffTheDisk()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer();
        string id = (await destination.PrepareAsync(offer)).Value.Id!;
        string vmDir = destination.Floor.Layout.VmDir(offer.Spec.Uuid);
        Assert.True(File.Exists(destination.Floor.Layout.MigrationJournal(offer.Spec.Uuid)));
        destination.Stream = "completed";

        Result<MigrationFinished> finished = await destination.Incoming.FinishAsync(id, run: true, postcopy: false, probe: false);

        Assert.True(finished.IsOk, finished.Error?.Message);
        Assert.False(Directory.Exists(Path.Combine(vmDir, "migration-tls")));
        Assert.False(File.Exists(destination.Floor.Layout.MigrationJournal(offer.Spec.Uuid)));
        Assert.Equal("""{"tls-creds":"","tls-authz":""}""", destination.Qemu.Monitor.ArgumentsOf("migrate-set-parameters")!.ToJsonString());
        Assert.Equal([$"mig-authz-{id}", $"mig-tls-{id}"], destination.Qemu.Monitor.AllArgumentsOf("object-del").Select(a => a!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AnArrivingVm_RefusesUnpauseAndEveryOtherCommand_UntilTheSwitchover()
    {
        await using var destination = new DestinationFloor();
        string id = (await destination.PrepareAsync(destination.Offer())).Value.Id!;
        VmActor vm = destination.Floor.Vms.Find("web").Value;

        Result<VmRecord> unpaused = await vm.RunAsync(VmCommands.Unpause());
        Result<VmRecord> saved = await vm.RunAsync(destination.Floor.Commands.Save("/tmp/web.save"));

        Assert.Equal(
            "cannot unpause web: it is arriving from host-a by migration; wait until that migration ends (`hospes list` shows it running or gone), or cancel it on host-a with `hospes migrate --cancel web`",
            unpaused.Error!.Message);
        Assert.Equal(ErrorCode.InvalidState, saved.Error!.Code);
        Assert.DoesNotContain("cont", destination.Qemu.Monitor.Asked);

        destination.Stream = "completed";
        Assert.True((await destination.Incoming.FinishAsync(id, run: false, postcopy: false, probe: false)).IsOk);
        Assert.True((await vm.RunAsync(VmCommands.Unpause())).IsOk);
        Assert.Equal(VmState.Running, vm.Record.State);
    }

    [Fact]
    public async Task AnOfferNamingADiskTwice_IsRefused_NotACrash()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = WithDisk(destination, "xvdb") with { MirroredDisks = [new("xvdb", 1 << 20), new("xvdb", 1 << 20), new("xvdz", 1 << 20)] };

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.Equal(ErrorCode.InvalidArgument, prepared.Error!.Code);
        Assert.Equal(["disk xvdb is to be copied twice", "disk xvdz to copy is not in the spec"], prepared.Error.Details);
        Assert.Empty(destination.Floor.Qemu.Launched);
        destination.AssertNothingOf(offer.Spec);
    }

    [Fact]
    public async Task TwoOffersOfOneUuid_AtOnce_OneIsRefused_AndTheOthersDisksStay()
    {
        await using var destination = new DestinationFloor(GatedQemuImg.Create(arrivals: 2));
        MigrationOffer offer = WithDisk(destination, "xvdb");

        Result<MigrationPrepared>[] both = await Task.WhenAll(destination.PrepareAsync(offer), destination.PrepareAsync(offer));

        // The loser is refused by its checks or, past them, by the reservation; either way it made nothing.
        Result<MigrationPrepared> winner = Assert.Single(both, p => p is { IsOk: true, Value.Id: not null });
        Result<MigrationPrepared> loser = Assert.Single(both, p => p is not { IsOk: true, Value.Id: not null });
        Assert.True(
            loser.IsOk ? loser.Value.Checks.Single(c => c.Name == "name") is { Ok: false } : loser.Error!.Code == ErrorCode.Conflict,
            loser.IsOk ? string.Join("; ", loser.Value.Checks) : loser.Error!.Message);
        VmActor vm = destination.Floor.Vms.Find("web").Value;
        Assert.True(File.Exists(vm.Record.Spec.Disks.Single().Target), "the winner's disk was deleted");
        Assert.True(File.Exists(destination.Floor.Layout.MigrationJournal(offer.Spec.Uuid)));
        Assert.Single(destination.Floor.Qemu.Running.Values, q => q.IsAlive);
        Assert.True((await destination.Incoming.AbortAsync(winner.Value.Id!, "host-a aborted it")).IsOk);
    }

    /// <summary>An offer of "web" with one local disk <paramref name="vdev"/> to receive by copy.</summary>
    private static MigrationOffer WithDisk(DestinationFloor destination, string vdev)
    {
        MigrationOffer offer = destination.Offer();
        return offer with
        {
            Spec = offer.Spec with { Disks = [new DiskSpec { Target = $"/var/lib/hospes/vms/{offer.Spec.Uuid}/disks/{vdev}.qcow2", Format = "qcow2", Vdev = vdev }] },
            MirroredDisks = [new(vdev, 1 << 20)],
        };
    }
}
