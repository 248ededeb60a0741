using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Tests.Machine;
using Hospes.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Network;

/// <summary>The network floor as hospesd builds it, on a temp state dir and a faked host: real state DB and service, stub VMs.</summary>
internal sealed class NetworkFloor : IDisposable
{
    private readonly TempDir _dir = new();

    public NetworkFloor()
    {
        Db = new StateDb(_dir.File("hospes.db"));
        Networks = new NetworkService(Db, Vms, new HostOptions { StateDir = _dir.File("state"), RunDir = _dir.File("run") }, Host, TimeProvider.System, NullLoggerFactory.Instance);
    }

    public FakeNetworkHost Host { get; } = new();

    public VmRegistry<StubVm> Vms { get; } = new();

    public StateDb Db { get; }

    public NetworkService Networks { get; }

    /// <summary>The mark this hospesd puts on the links it makes (set by <see cref="NetworkService.InitializeAsync"/>).</summary>
    public string AliasOf(string network) => $"hospes:{Db.MetaValue("instance")}:net:{network}";

    public string RunDir => _dir.File("run");

    public string NetworkDir(string network) => Path.Combine(Networks.NetworksDir, network);

    /// <summary>Started as hospesd starts: the instance mark and, on a new host, the default network (10.254.0.0/24 here).</summary>
    public static async Task<NetworkFloor> StartedAsync()
    {
        var floor = new NetworkFloor();
        await floor.Networks.InitializeAsync(CancellationToken.None);
        return floor;
    }

    /// <summary>A VM defined as hospesd defines one: its vifs get their addresses, then it joins the directory.</summary>
    public StubVm Define(string name, int? pid = null, params VifSpec[] vifs)
    {
        var spec = new VmSpec { Name = name, Uuid = Guid.NewGuid(), Vifs = vifs };
        var vm = new StubVm(Networks.Assign(spec, [.. Vms.Vms.Select(v => v.Record.Spec)]).Value, pid);
        Vms.Add(vm);
        return vm;
    }

    public void Dispose()
    {
        Networks.Dispose();
        _dir.Dispose();
    }
}
