using Hospes.Storage.Tiny.Modules;

namespace Hospes.Storage.Tests.Tiny.Modules;

public sealed class ModuleGraphTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> Virtio = new()
    {
        ["virtio_ring"] = [],
        ["virtio"] = ["virtio_ring"],
        ["virtio_mmio"] = ["virtio", "virtio_ring"],
        ["virtio_blk"] = ["virtio_ring", "virtio"],
        ["failover"] = [],
        ["net_failover"] = ["failover"],
        ["virtio_net"] = ["virtio_ring", "virtio", "net_failover"],
    };

    [Fact]
    public void LoadOrder_PutsDependenciesFirstAndEachModuleOnce()
    {
        var order = ModuleGraph.LoadOrder(["virtio_net", "virtio_blk", "virtio_mmio"], Virtio);

        Assert.Equal(["failover", "net_failover", "virtio_ring", "virtio", "virtio_net", "virtio_blk", "virtio_mmio"], order.Value);
    }

    [Fact]
    public void LoadOrder_DoesNotDependOnTheOrderOfDependsEntries()
    {
        var shuffled = new Dictionary<string, IReadOnlyList<string>>(Virtio) { ["virtio_net"] = ["net_failover", "virtio", "virtio_ring"] };

        Assert.Equal(ModuleGraph.LoadOrder(["virtio_net"], Virtio).Value, ModuleGraph.LoadOrder(["virtio_net"], shuffled).Value);
    }

    [Fact]
    public void LoadOrder_WithMissingDependency_NamesItAndWhoNeedsIt()
    {
        var deps = new Dictionary<string, IReadOnlyList<string>> { ["virtio_blk"] = ["virtio"] };

        var order = ModuleGraph.LoadOrder(["virtio_blk"], deps);

        Assert.False(order.IsOk);
        Assert.Equal("kernel module virtio (needed by virtio_blk) is not in the kernel package", order.Error.Message);
    }

    [Fact]
    public void LoadOrder_WithCycle_IsRefusedShowingTheCycle()
    {
        var deps = new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["b"], ["b"] = ["c"], ["c"] = ["a"] };

        var order = ModuleGraph.LoadOrder(["a"], deps);

        Assert.False(order.IsOk);
        Assert.Equal("kernel modules depend on each other in a cycle: a -> b -> c -> a", order.Error.Message);
    }
}
