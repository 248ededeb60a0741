using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Migration;
using Hospes.Host.Storage;
using Hospes.Host.Tests.Vms;
using Hospes.Host.Vms;
using Hospes.Storage.Images;
using Hospes.Storage.QemuImg;
using Hospes.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// The destination of a migration on the VM floor: its incoming migrations with QEMU faked and the watchdog on a
/// <see cref="ManualTime"/>. Each incoming QEMU listens on port 49152 and reports the stream as <see cref="Stream"/>.
/// </summary>
internal sealed class DestinationFloor : IAsyncDisposable
{
    /// <param name="img">qemu-img for the disks made to receive copies; a real one by default.</param>
    public DestinationFloor(IQemuImg? img = null)
    {
        var checks = new OfferChecks(Floor.Options with { AllowPaths = [Path.GetDirectoryName(Floor.Kernel)!] }, Floor.Runtime, new ImageStore(Floor.Options.ImagesDir), Floor.Memory, Floor.Networks, Floor.Vms, TimeProvider.System);
        Incoming = new IncomingMigrations(Floor.Vms, Floor.Layout, new StoreLayout(Floor.Options), Floor.Launcher, checks, img ?? new QemuImg(), Floor.NetHost, Time, NullLoggerFactory.Instance);
        Floor.Qemu.OnLaunch = q => q.Monitor.Answer("query-migrate", () =>
            $$"""{"status": "{{Stream}}", "socket-address": [{"type": "inet", "host": "127.0.0.1", "port": "49152"}]}""");
    }

    public VmFloor Floor { get; } = new();

    /// <summary>host-a's TLS identity for the migration.</summary>
    public MigrationTls SourceTls { get; } = MigrationTls.Create(DateTimeOffset.UtcNow);

    public ManualTime Time { get; } = new();

    /// <summary>The address host-a makes its offers from.</summary>
    public string SourceAddress { get; set; } = "127.0.0.9";

    public IncomingMigrations Incoming { get; }

    /// <summary>What the incoming QEMUs' query-migrate says: setup until the source sends, then active, completed...</summary>
    public string Stream { get; set; } = "setup";

    /// <summary>The incoming QEMU (faked) of the last prepare.</summary>
    public FakeQemu Qemu => Floor.Qemu.Last ?? throw new InvalidOperationException("no QEMU was launched");

    /// <summary>What host-a offers: a VM "web" as this host's own VMs are made, running there.</summary>
    public MigrationOffer Offer(Func<MigrationOffer, MigrationOffer>? change = null)
    {
        var offer = new MigrationOffer { Spec = Floor.Spec("web"), RamMib = 128, Running = true, SourceHost = "host-a", QemuVersion = "10.0.2", Accel = "tcg", Tls = SourceTls.Public };
        return change is null ? offer : change(offer);
    }

    public Task<Result<MigrationPrepared>> PrepareAsync(MigrationOffer offer) => Incoming.PrepareAsync(offer, "host-a", "127.0.0.1", SourceAddress, CancellationToken.None);

    /// <summary>Nothing of the VM is left here: no actor, no row, no folder, no QEMU running.</summary>
    public void AssertNothingOf(VmSpec spec)
    {
        Assert.False(Floor.Vms.Find(spec.Name).IsOk);
        Assert.Empty(Floor.Db.LoadVms());
        Assert.False(Directory.Exists(Floor.Layout.VmDir(spec.Uuid)), $"{Floor.Layout.VmDir(spec.Uuid)} is left");
        Assert.DoesNotContain(Floor.Qemu.Running.Values, q => q.IsAlive);
    }

    public async ValueTask DisposeAsync()
    {
        await Incoming.DisposeAsync();
        await Floor.DisposeAsync();
    }
}
