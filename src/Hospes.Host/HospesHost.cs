using Hospes.Contracts;
using Hospes.Host.Images;
using Hospes.Host.Machine;
using Hospes.Host.Memory;
using Hospes.Host.Migration;
using Hospes.Host.Network;
using Hospes.Host.Peers;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Host.Vms;
using Hospes.Storage.Images;
using Hospes.Storage.QemuImg;
using Microsoft.Extensions.Logging;

namespace Hospes.Host;

/// <summary>Everything hospesd owns on one host, built once at start.</summary>
public sealed partial class HospesHost : IAsyncDisposable
{
    private readonly Stream _lock;
    private readonly ILogger _log;

    private HospesHost(HostOptions options, TimeProvider time, ILoggerFactory logs, Stream stateLock)
    {
        Options = options;
        _lock = stateLock;
        _log = logs.CreateLogger("Hospes.Host");
        Runtime = new HostRuntime(options, time);
        var images = new ImageStore(options.ImagesDir);
        var db = new StateDb(options.DatabasePath);
        Networks = new NetworkService(db, options, time, logs);
        Ssh = new SshKey(options.StateDir);
        Memory = new MemoryService(options, db, time, logs);
        Context = new VmContext(options, db, Runtime, images, time, logs, Networks, Ssh, Memory, new Hospes.Qemu.Launch.QemuLauncher(time));
        var qemuImg = new QemuImg();
        Volumes = new VolumeStore(db, new StoreLayout(options), time);
        Vms = new VmManager(Context, new DiskProvisioner(Volumes, qemuImg));
        Networks.Vms = () => [.. Vms.All.Select(a => a.Record.Spec)];
        Memory.Vms = () => Vms.All;
        Store = new StoreService(Volumes, Vms, qemuImg);
        Images = new ImageService(options, images, Volumes, time);
        Peers = new PeerService(options, db, time, logs);
        Migrations = new MigrationService(Context, Vms, qemuImg) { Targets = MigrationTarget, HostName = options.HostName };
    }

    public HostOptions Options { get; }

    internal HostRuntime Runtime { get; }

    internal VmContext Context { get; }

    internal VmManager Vms { get; }

    internal ImageService Images { get; }

    internal VolumeStore Volumes { get; }

    internal StoreService Store { get; }

    internal NetworkService Networks { get; }

    internal SshKey Ssh { get; }

    internal MemoryService Memory { get; }

    internal PeerService Peers { get; }

    internal MigrationService Migrations { get; }

    /// <summary>Opens the state dir (one hospesd per state dir), reconciles VMs, starts the accelerator probe.</summary>
    public static async Task<HospesHost> StartAsync(HostOptions options, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        Directory.CreateDirectory(options.StateDir);
        Directory.CreateDirectory(options.VmsDir);
        Directory.CreateDirectory(options.ImagesDir);
        Directory.CreateDirectory(options.EffectiveRunDir);
        Stream stateLock = LockStateDir(options.StateDir);
        var host = new HospesHost(options, time, logs, stateLock);
        host.Runtime.Warm();
        if (await host.Ssh.EnsureAsync(ct).ConfigureAwait(false) is { } sshProblem)
        {
            host.LogSshProblem(sshProblem);
        }

        await host.Networks.InitializeAsync(ct).ConfigureAwait(false);
        await host.Vms.InitializeAsync(ct).ConfigureAwait(false);
        await host.Networks.ReconcileAsync(ct).ConfigureAwait(false);
        host.Store.Reconcile();
        host.Memory.Start();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await Migrations.DisposeAsync().ConfigureAwait(false);
        await Memory.DisposeAsync().ConfigureAwait(false);
        await Vms.DisposeAsync().ConfigureAwait(false);
        Images.Dispose();
        Networks.Dispose();
        Volumes.Dispose();
        Peers.Dispose();
        await _lock.DisposeAsync().ConfigureAwait(false);
    }

    private static FileStream LockStateDir(string stateDir)
    {
        string path = Path.Combine(stateDir, "hospesd.lock");
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Linux; it ends with the process.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new InvalidOperationException($"another hospesd already uses the state dir {stateDir}; stop it first or give --state-dir another folder");
        }
    }
}
