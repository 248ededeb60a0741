using Hospes.Core.Vms;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Network;

/// <summary>Define-time checks of vifs against the networks in the state DB (no links are touched).</summary>
public sealed class VifAssignmentTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly NetworkService _networks;

    public VifAssignmentTests()
    {
        var db = new StateDb(_dir.File("h.db"));
        db.TryInsertNetwork(new NetworkRecord { Name = "lab0", Bridge = "lab0", Subnet = "10.165.1.0/29", Mode = "nat" });
        db.TryInsertNetwork(new NetworkRecord { Name = "default", Bridge = "hospes0", Subnet = "10.254.0.0/24", Mode = "nat" });
        _networks = new NetworkService(db, new Hospes.Host.Machine.VmRegistry<Hospes.Host.Vms.VmActor>(), new HostOptions { StateDir = _dir.Path }, new FakeNetworkHost(), TimeProvider.System, NullLoggerFactory.Instance);
    }

    public void Dispose()
    {
        _networks.Dispose();
        _dir.Dispose();
    }

    private static VmSpec Vm(string name, params VifSpec[] vifs) => new() { Name = name, Uuid = Guid.NewGuid(), Vifs = vifs };

    [Fact]
    public void AVifWithoutIp_GetsTheLowestFreeAddress_AfterTheGatewayAndWhatOthersHold()
    {
        VmSpec other = Vm("other", new VifSpec { Mac = "52:54:00:00:00:01", Ip = "10.165.1.2", Bridge = "lab0" });

        VmSpec web = _networks.Assign(Vm("web", new VifSpec { Mac = "52:54:00:00:00:02", Bridge = "lab0" }, new VifSpec { Mac = "52:54:00:00:00:03", Bridge = "lab0" }), [other]).Value;

        Assert.Equal(["10.165.1.3", "10.165.1.4"], web.Vifs.Select(v => v.Ip));
    }

    [Fact]
    public void NoBridge_MeansTheDefaultNetwork_AndABridgeNameFindsItsNetwork()
    {
        VmSpec web = _networks.Assign(Vm("web", new VifSpec { Mac = "52:54:00:00:00:02" }, new VifSpec { Mac = "52:54:00:00:00:03", Bridge = "hospes0" }), []).Value;

        Assert.Equal(["10.254.0.2", "10.254.0.3"], web.Vifs.Select(v => v.Ip));
    }

    [Theory]
    [InlineData("10.165.2.5", "outside network 'lab0'")]
    [InlineData("10.165.1.1", "gateway")]
    [InlineData("10.165.1.7", "broadcast")]
    [InlineData("10.165.1.2", "already taken by VM 'other'")]
    public void ABadIp_IsRefusedWithTheReason(string ip, string reason)
    {
        VmSpec other = Vm("other", new VifSpec { Mac = "52:54:00:00:00:01", Ip = "10.165.1.2", Bridge = "lab0" });

        var r = _networks.Assign(Vm("web", new VifSpec { Mac = "52:54:00:00:00:02", Ip = ip, Bridge = "lab0" }), [other]);

        Assert.Contains(reason, r.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMacAnotherVmHas_AndAFullNetwork_AreRefused()
    {
        VmSpec other = Vm("other", new VifSpec { Mac = "52:54:00:00:00:01", Bridge = "lab0" });
        Assert.Contains("already used by VM 'other'", _networks.Assign(Vm("web", new VifSpec { Mac = "52:54:00:00:00:01", Bridge = "lab0" }), [other]).Error!.Message, StringComparison.Ordinal);

        // /29: .2 to .6 are usable.
        VmSpec full = Vm("full", [.. Enumerable.Range(2, 5).Select(i => new VifSpec { Mac = $"52:54:00:00:01:0{i}", Ip = $"10.165.1.{i}", Bridge = "lab0" })]);
        Assert.Contains("no free address", _networks.Assign(Vm("web", new VifSpec { Mac = "52:54:00:00:00:09", Bridge = "lab0" }), [full]).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownBridge_IsRefused_NamingHowToMakeIt()
    {
        var r = _networks.Assign(Vm("web", new VifSpec { Mac = "52:54:00:00:00:02", Bridge = "nope0" }), []);

        Assert.Contains("hospes network create nope0", r.Error!.Message, StringComparison.Ordinal);
    }
}
