using Hospes.Core.Vms;
using Hospes.Host.Storage;
using Hospes.Host.Tests.Vms;
using Hospes.Host.Vms;
using Hospes.Testing.Fakes;

namespace Hospes.Host.Tests.Storage;

/// <summary>The store's services as hospesd builds them, on a <see cref="VmFloor"/> (QEMU and qemu-img faked).</summary>
internal sealed class StoreFloor : IAsyncDisposable
{
    /// <param name="stateDir">An existing state dir to open; null: a new one.</param>
    public StoreFloor(string? stateDir = null)
    {
        Floor = new VmFloor(stateDir);
        VolumeStore volumes = Floor.Volumes;
        Disks = new DiskService(volumes, Floor.Registry, Img);
        Images = new DiskImages(volumes, Floor.Registry, Img);
        Templates = new TemplateService(volumes, Floor.Registry, Img);
        Snapshots = new SnapshotService(Floor.Registry, Img);
        Repair = new StoreRepair(volumes, Floor.Registry, Img);
        Check = new StoreCheck(volumes, Floor.Registry, Img, Repair);
        Clones = new CloneService(volumes, Floor.Vms, Floor.Commands);
    }

    public VmFloor Floor { get; }

    public FakeQemuImg Img => Floor.Img;

    public StoreLayout Layout => Floor.Volumes.Layout;

    public DiskService Disks { get; }

    public DiskImages Images { get; }

    public TemplateService Templates { get; }

    public SnapshotService Snapshots { get; }

    public StoreRepair Repair { get; }

    public StoreCheck Check { get; }

    public CloneService Clones { get; }

    /// <summary>A read-only qcow2 image named <paramref name="name"/> in the store, imported from a file made elsewhere.</summary>
    public async Task<VolumeView> ImageAsync(string name)
    {
        string source = Img.Add(Path.Combine(Floor.Options.StateDir, "sources", $"{name}.qcow2"));
        return (await Images.ImportAsync(source, name, null, CancellationToken.None)).Value;
    }

    /// <summary>A VM whose disks name store volumes ("image:NAME"): an image gets an overlay of its own, a disk is attached.</summary>
    public Task<VmActor> VmOnAsync(string name, params string[] volumes) => Floor.DefineAsync(Floor.Spec(name, s => s with
    {
        Disks = [.. volumes.Select((v, i) => new DiskSpec { Target = $"image:{v}", Vdev = $"xvd{(char)('a' + i)}", Format = "qcow2" })],
    }));

    /// <summary>A standalone disk of the store named <paramref name="name"/>.</summary>
    public async Task<VolumeView> DiskAsync(string name) => (await Disks.CreateAsync(name, 1L << 30, "qcow2", CancellationToken.None)).Value;

    public ValueTask DisposeAsync() => Floor.DisposeAsync();
}
