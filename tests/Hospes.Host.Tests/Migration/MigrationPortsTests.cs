using System.Net;
using Hospes.Core.Errors;
using Hospes.Host.Migration;
using Hospes.Network.Firewall;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// Finding #1 (the rest): the destination's stream and disk ports are reachable from the source's address only, from
/// before the source learns them until the migration ends, however it ends. nftables faked (the real rule is tested in
/// Hostile.MigrationChannelTests).
/// </summary>
public sealed class MigrationPortsTests
{
    [Fact]
    public async Task Prepare_LimitsTheStreamAndDiskPortsToTheSourcesAddress_AndTheFinishRemovesTheRule()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer();
        offer = offer with
        {
            Spec = offer.Spec with { Disks = [new Core.Vms.DiskSpec { Target = $"/var/lib/hospes/vms/{offer.Spec.Uuid}/disks/xvdb.qcow2", Format = "qcow2", Vdev = "xvdb" }] },
            MirroredDisks = [new("xvdb", 1 << 20)],
        };

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.True(prepared.IsOk, prepared.Error?.Message);
        MigrationOpening rule = Assert.Single(destination.Floor.NetHost.MigrationRules);
        Assert.Equal((IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.9")), (rule.Listen, rule.Source));
        Assert.Equal([prepared.Value.MigratePort, prepared.Value.NbdPort!.Value], rule.Ports);

        destination.Stream = "completed";
        Assert.True((await destination.Incoming.FinishAsync(prepared.Value.Id!, run: true, postcopy: false, probe: false)).IsOk);
        Assert.Empty(destination.Floor.NetHost.MigrationRules);
    }

    [Fact]
    public async Task AnAbortedMigration_LeavesNoRule()
    {
        await using var destination = new DestinationFloor();
        string id = (await destination.PrepareAsync(destination.Offer())).Value.Id!;
        Assert.Single(destination.Floor.NetHost.MigrationRules);

        Assert.True((await destination.Incoming.AbortAsync(id, "host-a aborted it")).IsOk);

        Assert.Empty(destination.Floor.NetHost.MigrationRules);
    }

    [Fact]
    public async Task WhenNftCannotLimitThePorts_ThePrepareIsRefused_NamingWhy_AndNothingIsLeft()
    {
        await using var destination = new DestinationFloor();
        destination.Floor.NetHost.Fail("nft migrations", "Error: Could not process rule: Operation not permitted");
        MigrationOffer offer = destination.Offer();

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.Equal(ErrorCode.Unavailable, prepared.Error?.Code);
        Assert.StartsWith("web: cannot limit the migration's ports (49152) to host-a (127.0.0.9) with nftables: ", prepared.Error!.Message, StringComparison.Ordinal);
        Assert.EndsWith("; fix nft on this host, then migrate again", prepared.Error.Message, StringComparison.Ordinal);
        Assert.Empty(destination.Floor.NetHost.MigrationRules);
        destination.AssertNothingOf(offer.Spec);
    }

    [Fact]
    public void TheRuleSet_DropsWhatAnyOtherAddressSendsToThePorts_ForIpv4AndIpv6_AndNoMigrationMeansNoTable()
    {
        string script = NftMigrationRules.Script(
        [
            new("a1", IPAddress.Parse("203.0.113.2"), IPAddress.Parse("::ffff:203.0.113.1").MapToIPv4(), [40001, 40002]),
            new("b2", IPAddress.Parse("2001:db8::2"), IPAddress.Parse("2001:db8::1"), [40003]),
        ]);

        Assert.Contains("\t\tip daddr 203.0.113.2 tcp dport { 40001, 40002 } ip saddr != 203.0.113.1 drop\n", script, StringComparison.Ordinal);
        Assert.Contains("\t\tip6 daddr 2001:db8::2 tcp dport { 40003 } ip6 saddr != 2001:db8::1 drop\n", script, StringComparison.Ordinal);
        Assert.Equal("table inet hospes-migrations {}\ndelete table inet hospes-migrations\n", NftMigrationRules.Script([]));
    }
}
