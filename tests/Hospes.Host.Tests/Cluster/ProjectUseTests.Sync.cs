using Hospes.Host.Access;
using Hospes.Host.Cluster;
using Hospes.Host.Machine;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Cluster;

/// <summary>A host's round: the `vmuse/` keys of the VMs it owns follow what runs there; other hosts' are theirs.</summary>
public sealed partial class ProjectUseTests
{
    private LocalUse _local = LocalUse.None;

    [Fact]
    public async Task ARound_WritesWhatRunsHere_TakesBackWhatStopped_LeavesStartsAndOtherHostsVmsAlone()
    {
        await Own("a1", "host-a");
        await Own("a2", "host-a");
        await Own("gone", "host-a");
        await Own("b1", "host-b");
        await using ProjectUseSync sync = Sync();

        // A key of a VM of this host that no longer runs (a hospesd that died between the record and its QEMU), a
        // start's key (admitted, no QEMU yet), a VM running here whose claim is host-b's (arriving by migration).
        await Put("gone", new VmUse("host-a", "lab", 512, 1));
        await Put("a2", new VmUse("host-a", "lab", 256, 1));
        await Put("b1", new VmUse("host-b", "lab", 128, 1));
        _local = new LocalUse([new RunningUse("a1", "lab", 300, 2), new RunningUse("b1", "lab", 128, 1)], ["a2"]);
        await sync.RoundAsync(CancellationToken.None);

        Assert.Equal(new VmUse("host-a", "lab", 300, 2), await Use("a1"));
        Assert.Equal(new VmUse("host-a", "lab", 256, 1), await Use("a2"));
        Assert.Null(await Use("gone"));
        Assert.Equal(new VmUse("host-b", "lab", 128, 1), await Use("b1"));

        // a1 stops, a2's start failed, and b1's switch-over moved its claim here: a1's and a2's keys go, b1 counts here now.
        await Own("b1", "host-a");
        _local = new LocalUse([new RunningUse("b1", "lab", 128, 1)], []);
        sync.Wake();
        await sync.RoundAsync(CancellationToken.None);

        Assert.Null(await Use("a1"));
        Assert.Null(await Use("a2"));
        Assert.Equal(new VmUse("host-a", "lab", 128, 1), await Use("b1"));
    }

    [Fact]
    public async Task ARound_WithNothingChangedHere_AsksTheStoreNothing()
    {
        await Own("a1", "host-a");
        await using ProjectUseSync sync = Sync();
        _local = new LocalUse([new RunningUse("a1", "lab", 300, 2)], []);
        await sync.RoundAsync(CancellationToken.None);

        _store.Unreachable = true;
        await sync.RoundAsync(CancellationToken.None);

        // A change here (a shrink) is a round: the store is asked (and fails, which the loop logs once).
        _local = new LocalUse([new RunningUse("a1", "lab", 200, 2)], []);
        await Assert.ThrowsAsync<Hospes.Host.Cluster.Store.ClusterStoreException>(() => sync.RoundAsync(CancellationToken.None));
        _store.Unreachable = false;
        await sync.RoundAsync(CancellationToken.None);
        Assert.Equal(200, (await Use("a1"))?.MemoryMiB);
    }

    [Fact]
    public async Task AnAdmission_ThroughTheHostsGate_MakesTheNextRoundLookAgain()
    {
        await Own("a1", "host-a");
        await using ProjectUseSync sync = Sync();
        await sync.RoundAsync(CancellationToken.None);

        // Admitted (key written), then its QEMU failed to start: nothing here changed, yet the next round takes the key back.
        Assert.Null(await sync.AdmitAsync("course", "a1", new VmUse("host-a", "lab", 512, 1), null, Memory1G, QuotaRequest.Start("a1", 512, 1), CancellationToken.None));
        Assert.NotNull(await Use("a1"));
        await sync.RoundAsync(CancellationToken.None);

        Assert.Null(await Use("a1"));
    }

    private ProjectUseSync Sync() => new(_store, _keys, "host-a", () => _local, TimeProvider.System, NullLogger.Instance);

    private Task Own(string name, string host) =>
        _store.PutAsync(_keys.Vm(name), ClusterMembership.Json(new VmOwner(host, Guid.NewGuid().ToString(), DateTimeOffset.UnixEpoch, "lab")), 0, CancellationToken.None);

    private Task Put(string name, VmUse use) => _store.PutAsync(_keys.VmUse(name), ClusterMembership.Json(use), 0, CancellationToken.None);

    private async Task<VmUse?> Use(string name) =>
        await _store.GetAsync(_keys.VmUse(name), CancellationToken.None) is { } e ? ClusterService.Read<VmUse>(e.Value) : null;
}
