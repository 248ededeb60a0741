using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Memory;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Testing.Fakes;
using Hospes.Host.Vms;
using Hospes.Qemu.Host;
using Hospes.Storage.Images;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Vms;

/// <summary>
/// The VM floor as hospesd builds it, on a temp state dir, with QEMU and qemu-img faked: real state DB, registry, store
/// rows, launcher steps, commands and actors, in milliseconds.
/// </summary>
internal sealed class VmFloor : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly StateDb _db;
    private readonly NetworkService _networks;
    private readonly MemoryService _memory;
    private readonly VmLauncher _launcher;

    /// <param name="stateDir">An existing state dir to open (as hospesd started with --state-dir); null: a new one.</param>
    public VmFloor(string? stateDir = null)
    {
        Options = new HostOptions { StateDir = stateDir ?? _dir.Path, SocketPath = _dir.File("hospes.sock"), QemuPath = "/usr/bin/true" };

        // The run dir lets others through, as /run/hospes does: a QEMU of its own uid reads its migration's TLS there.
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)0b111_001_001);
        Directory.CreateDirectory(Options.VmsDir);
        Kernel = _dir.File("vmlinuz");
        File.WriteAllText(Kernel, "not a kernel: QEMU is faked");
        _db = new StateDb(Options.DatabasePath);
        var layout = Layout = new VmLayout(Options);
        var time = TimeProvider.System;
        ILoggerFactory logs = NullLoggerFactory.Instance;
        ILogger log = NullLogger.Instance;
        var runtime = Runtime = new HostRuntime(new QemuBinary("/usr/bin/true", new Version(10, 0, 2), "QEMU emulator version 10.0.2"), new AccelDecision { Chosen = Accelerator.Tcg, Reason = "test" });
        _networks = new NetworkService(_db, Registry, Options, NetHost, time, logs);
        Balloons = new Balloons(Options.Memory, time, logs);
        _memory = new MemoryService(Options, _db, Registry, Balloons, time, logs, events: Events);
        var launcher = _launcher = new VmLauncher(Options, runtime, new ImageStore(Options.ImagesDir), new SshKey(Options.StateDir), _memory, Balloons, _networks, Qemu, _db, _memory.Quotas, log);
        Commands = new VmCommands(launcher, new FileStreams(time), Balloons, Qemu, _networks, log);
        Volumes = new VolumeStore(_db, new StoreLayout(Options), time);
        Vms = new VmManager(_db, layout, Registry, new DiskProvisioner(Volumes, Img), _networks, Qemu, launcher, Commands, Events, time, log);
    }

    public HostOptions Options { get; }

    public VmLayout Layout { get; }

    public HostRuntime Runtime { get; }

    public VmLauncher Launcher => _launcher;

    public MemoryService Memory => _memory;

    public NetworkService Networks => _networks;

    public string Kernel { get; }

    public FakeQemuLauncher Qemu { get; } = new();

    /// <summary>The host's networking (links, nftables, dnsmasq), in memory.</summary>
    public FakeNetworkHost NetHost { get; } = new();

    /// <summary>The qemu-img every disk of this floor is made with (small real files).</summary>
    public FakeQemuImg Img { get; } = new();

    /// <summary>The store's rows and folders (under the temp state dir).</summary>
    public VolumeStore Volumes { get; }

    public VmRegistry<VmActor> Registry { get; } = new();

    /// <summary>The host's event hub, as hospesd has one.</summary>
    public HostEvents Events { get; } = new(TimeProvider.System);

    public Balloons Balloons { get; }

    public VmCommands Commands { get; }

    public VmManager Vms { get; private set; }

    public StateDb Db => _db;

    /// <summary>As after a restart of hospesd: a new VM floor loads the VMs from the state DB (reconcile not yet run).</summary>
    public VmActor RestartVms(string name)
    {
        Vms = new VmManager(_db, Layout, Registry, new DiskProvisioner(Volumes, Img), _networks, Qemu, _launcher, Commands, Events, TimeProvider.System, NullLogger.Instance);
        foreach (VmRecord r in _db.LoadVms())
        {
            Registry.Remove(r.Uuid);
        }

        Vms.Load();
        return Vms.Find(name).Value;
    }

    /// <summary>A direct-boot VM with no disks or NICs.</summary>
    public VmSpec Spec(string name, Func<VmSpec, VmSpec>? change = null)
    {
        var spec = new VmSpec { Name = name, Uuid = Guid.NewGuid(), Kernel = Kernel, MemoryMib = 128, MaxMemoryMib = 128, Accel = Accelerator.Tcg };
        return change is null ? spec : change(spec);
    }

    public async Task<VmActor> DefineAsync(VmSpec spec, string project = StateDb.DefaultProject)
    {
        await using var revert = new Reverter();
        VmActor vm = (await Vms.DefineAsync(spec, fullCopies: false, revert, CancellationToken.None, project)).Value;
        revert.Commit();
        return vm;
    }

    public async Task<VmActor> StartedAsync(string name, Func<VmSpec, VmSpec>? change = null)
    {
        VmActor vm = await DefineAsync(Spec(name, change));
        Assert.True((await vm.RunAsync(Commands.Start())).IsOk);
        return vm;
    }

    /// <summary>The QEMU a VM runs now (faked).</summary>
    public FakeQemu QemuOf(VmActor vm) => Qemu.Running[vm.Pid ?? throw new InvalidOperationException($"{vm.Record.Name} has no QEMU")];

    public static async Task UntilAsync(VmActor vm, Func<VmActor, bool> condition)
    {
        Assert.True(await vm.WaitForAsync(condition, TimeSpan.FromSeconds(10), CancellationToken.None), $"{vm.Record.Name}: still {vm.Record.State} ({vm.Record.LastError})");
    }

    public async ValueTask DisposeAsync()
    {
        await _memory.DisposeAsync();
        await Vms.DisposeAsync();
        _networks.Dispose();
        Volumes.Dispose();
        _dir.Dispose();
    }
}
