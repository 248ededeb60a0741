using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Migration;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// The source's side of the channels, with QEMU and the destination faked: the stream goes over TLS to the
/// destination's QEMU only, a migration that ends here takes its TLS and its key away, and what a restarted hospesd
/// needs stays on the disk exactly as long as the guest's fate is open.
/// </summary>
public sealed class OutgoingChannelTests
{
    [Fact]
    public async Task Migrate_SendsTheStreamOverTls_ToTheDestinationsQemuOnly()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        string dir = Path.Combine(source.Floor.Layout.VmDir(source.Vm.Record.Uuid), "migration-tls");
        bool credentialsThere = false;
        source.Qmp.Answer("migrate", () =>
        {
            credentialsThere = File.Exists(Path.Combine(dir, "client-key.pem")) && File.ReadAllText(Path.Combine(dir, "ca-cert.pem")).Contains(FakeMigrationTarget.Tls.CaCertificate, StringComparison.Ordinal);
            return "{}";
        });

        Result<MigrationSummary> done = await source.MigrateAsync();

        Assert.True(done.IsOk, done.Error?.Message);
        MigrationOffer offer = Assert.Single(source.Target.Offers);
        Assert.True(MigrationTls.IsName(offer.Tls!.Name));
        Assert.Equal(
            $$"""{"qom-type":"tls-creds-x509","id":"mig-tls-m1","dir":"{{dir}}","endpoint":"client","verify-peer":true}""",
            source.Qmp.ArgumentsOf("object-add")!.ToJsonString());
        Assert.Contains(source.Qmp.AllArgumentsOf("migrate-set-parameters"), a => a!.ToJsonString() == $$"""{"tls-creds":"mig-tls-m1","tls-hostname":"{{FakeMigrationTarget.Tls.Name}}"}""");
        Assert.True(source.Qmp.Asked.ToList().IndexOf("object-add") < source.Qmp.Asked.ToList().IndexOf("migrate"));
        Assert.True(credentialsThere, "QEMU's credentials were not in place when the stream started");
    }

    [Fact]
    public async Task AFailedMigration_TakesTheTlsOutOfQemu_AndTheKeyAndTheJournalOffTheDisk()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        source.Target.Finish = () => HospesError.Unavailable("web: the incoming stream failed: Input/output error");

        Result<MigrationSummary> done = await source.MigrateAsync();

        Assert.False(done.IsOk);
        Assert.Equal(VmState.Running, source.Vm.Record.State);
        Assert.Equal("""{"tls-creds":"","tls-hostname":""}""", source.Qmp.ArgumentsOf("migrate-set-parameters")!.ToJsonString());
        Assert.Equal("mig-tls-m1", source.Qmp.ArgumentsOf("object-del")!["id"]!.GetValue<string>());
        Assert.False(Directory.Exists(Path.Combine(source.Floor.Layout.VmDir(source.Vm.Record.Uuid), "migration-tls")));
        Assert.False(File.Exists(source.Floor.Layout.MigrationJournal(source.Vm.Record.Uuid)));
    }

    [Fact]
    public async Task ADestinationThatSendsNoTlsIdentity_IsRefused_AndTheGuestContinuesHere()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        source.Target.Prepare = o => new MigrationPrepared { Id = FakeMigrationTarget.Id, MigratePort = 49152, Checks = [new("cpu", true, "tcg on both")] };

        Result<MigrationSummary> done = await source.MigrateAsync();

        Assert.Equal("host-b sent no TLS certificate for the migration stream (the stream is always encrypted now); update Hospes on host-b", done.Error!.Message);
        Assert.DoesNotContain("migrate", source.Qmp.Asked);
        Assert.Equal(1, source.Target.Aborts);
        Assert.Equal(VmState.Running, source.Vm.Record.State);
        Assert.False(File.Exists(source.Floor.Layout.MigrationJournal(source.Vm.Record.Uuid)));
    }

    [Fact]
    public async Task ASwitchoverSentWithNoAnswer_KeepsTheJournal_SoARestartedHospesdAsksAgain()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        source.Target.Finish = () => FakeMigrationTarget.NoAnswer("the connection broke");
        source.Target.Abort = () => FakeMigrationTarget.NoAnswer("the connection broke");

        Result<MigrationSummary> done = await source.MigrateAsync();

        Assert.False(done.IsOk);
        Assert.Equal(VmState.Paused, source.Vm.Record.State);
        MigrationJournal journal = MigrationJournal.Read(source.Floor.Layout.MigrationJournal(source.Vm.Record.Uuid))!;
        Assert.Equal((MigrationJournal.Outgoing, "host-b", FakeMigrationTarget.Id, true), (journal.Direction, journal.Peer, journal.Id, journal.Running));
    }
}
