using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Storage.CloudInit;
using Hospes.Storage.Debian;
using Hospes.Storage.Images;
using Hospes.Storage.QemuImg;

namespace Hospes.Host.Storage;

/// <summary>
/// Gives a VM being defined its own disks: a writable disk on a read-only base (an image named as
/// "image:NAME", or a template's disk) becomes an overlay in the VM's folder, or a full copy; a store disk
/// named "image:NAME" is attached as it is. Files are made here; rows land with the VM's row.
/// </summary>
internal sealed class DiskProvisioner(VolumeStore store, IQemuImg img)
{
    public async Task<Result<Provisioned>> ProvisionAsync(VmSpec spec, bool fullCopies, Reverter revert, CancellationToken ct)
    {
        IReadOnlyList<VolumeRecord> all = store.All();
        var disks = new List<DiskSpec>();
        var created = new List<VolumeRecord>();
        var attached = new List<VolumeRecord>();
        var problems = new List<string>();
        foreach (DiskSpec d in spec.Disks)
        {
            Result<VolumeRecord?> source = Source(d, all);
            if (!source.IsOk)
            {
                problems.Add(source.Error.Message);
                continue;
            }

            if (source.Value is not { } v)
            {
                disks.Add(d);
            }
            else if (v.Kind == VolumeKind.Disk)
            {
                if (v.Vm is { } owner && owner != spec.Uuid)
                {
                    problems.Add($"disk '{d.Source ?? d.Target}': store disk {v.Name} is already attached to another VM ({owner}); give each VM its own disk");
                    continue;
                }

                attached.Add(v with { Vm = spec.Uuid });
                disks.Add(d with { Target = v.Path, Format = v.Format });
            }
            else if (d.ReadOnly || d.DeviceType == DiskDeviceType.Cdrom)
            {
                disks.Add(d with { Target = v.Path, Format = v.Format, ReadOnly = true });
            }
            else
            {
                Result<VolumeRecord> own = await MakeOwnDiskAsync(spec, d, v, fullCopies, revert, ct).ConfigureAwait(false);
                if (!own.IsOk)
                {
                    problems.Add(own.Error.Message);
                    continue;
                }

                created.Add(own.Value);
                disks.Add(d with { Target = own.Value.Path, Format = "qcow2" });
            }
        }

        if (problems.Count > 0)
        {
            return new HospesError(ErrorCode.Unavailable, $"{spec.Name}: {problems[0]}") { Details = problems };
        }

        if (created.Any(v => NeedsIdentitySeed(v, all)))
        {
            Result<DiskSpec> seed = await WriteSeedAsync(spec, revert, ct).ConfigureAwait(false);
            if (!seed.IsOk)
            {
                return seed.Error;
            }

            disks.Add(seed.Value);
        }

        return new Provisioned(spec with { Disks = disks }, created, attached);
    }

    /// <summary>Marks the seed disk in a spec, so a template made from the VM leaves it out (each clone gets its own).</summary>
    public const string SeedSource = "hospes:nocloud-seed";

    /// <summary>A full guest image (built by `image build debian`) reads its hostname from a NoCloud seed; the tiny guest from its kernel command line.</summary>
    private static bool NeedsIdentitySeed(VolumeRecord own, IReadOnlyList<VolumeRecord> all)
    {
        VolumeRecord? v = own.BackingId is { } b ? all.FirstOrDefault(x => x.Id == b) : null;
        for (int depth = 0; v is not null && depth < 16; depth++)
        {
            if (v.Kind == VolumeKind.Image)
            {
                return DebianImageBuilder.ReadManifest(Path.GetDirectoryName(v.Path)!) is not null;
            }

            v = v.BackingId is { } next ? all.FirstOrDefault(x => x.Id == next) : null;
        }

        return false;
    }

    private async Task<Result<DiskSpec>> WriteSeedAsync(VmSpec spec, Reverter revert, CancellationToken ct)
    {
        string path = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(store.Layout.VmDiskPath(spec.Uuid, "x"))!)!, "seed.img");
        revert.Add(() => File.Delete(path));
        var identity = new NoCloudIdentity { InstanceId = spec.Uuid.ToString(), Hostname = spec.Name };
        if (spec.Vifs.Count > 0)
        {
            // As the tiny guest: root takes hospesd's key, and the guest shows the host key hospesd made for it, which
            // `hospes ssh` checks.
            Result<GuestHostKey> hostKey = await new GuestHostKeys(new VmLayout(store.Layout.Options)).EnsureAsync(spec.Uuid, ct).ConfigureAwait(false);
            if (!hostKey.IsOk)
            {
                return hostKey.Error with { Message = $"{spec.Name}: {hostKey.Error.Message}" };
            }

            string? rootKey = new SshKey(store.Layout.Options.StateDir).PublicLine;
            identity = identity with
            {
                SshHostKey = new NoCloudHostKey(hostKey.Value.PrivateText, hostKey.Value.PublicLine),
                SshAuthorizedKeys = rootKey is null ? [] : [rootKey],
            };
        }

        Result<string> written = await NoCloudSeed.WriteAsync(identity, path, ct).ConfigureAwait(false);
        if (!written.IsOk)
        {
            return HospesError.Unavailable($"{spec.Name}: cannot write its NoCloud seed (hostname and identity for the guest): {written.Error.Message}");
        }

        string vdev = Enumerable.Range(0, 26).Select(i => $"xvd{(char)('z' - i)}").First(v => spec.Disks.All(d => d.Vdev != v));
        return new DiskSpec { Target = path, Format = "raw", Vdev = vdev, ReadOnly = true, Source = SeedSource };
    }

    /// <summary>The store volume a disk line names (image:NAME, or a base's path), or null for a plain file.</summary>
    private static Result<VolumeRecord?> Source(DiskSpec d, IReadOnlyList<VolumeRecord> all)
    {
        if (ImageStore.IsReference(d.Target))
        {
            string name = ImageStore.NameOf(d.Target);
            VolumeRecord? v = all.FirstOrDefault(x => x.Kind == VolumeKind.Image && x.Name == name)
                ?? all.FirstOrDefault(x => x.Kind == VolumeKind.Disk && x.Name == name);
            return v is null
                ? HospesError.NotFound($"disk '{d.Source ?? d.Target}': the store has no disk image named '{name}'; see `hospes image list` and `hospes disk list`, or import one with `hospes image import FILE --name {name}`")
                : v;
        }

        return all.FirstOrDefault(x => x.Path == d.Target && x.Kind is VolumeKind.Image or VolumeKind.Template);
    }

    private async Task<Result<VolumeRecord>> MakeOwnDiskAsync(VmSpec spec, DiskSpec d, VolumeRecord baseVolume, bool full, Reverter revert, CancellationToken ct)
    {
        string path = store.Layout.VmDiskPath(spec.Uuid, d.Vdev);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        revert.Add(() => File.Delete(path));
        Result<bool> made = full
            ? await img.ConvertAsync(baseVolume.Path, baseVolume.Format, path, "qcow2", ct).ConfigureAwait(false)
            : await img.CreateOverlayAsync(path, baseVolume.Path, baseVolume.Format, ct).ConfigureAwait(false);
        if (!made.IsOk)
        {
            return HospesError.Unavailable($"disk {d.Vdev}: {made.Error.Message}");
        }

        return new VolumeRecord
        {
            Kind = VolumeKind.VmDisk,
            Name = $"{spec.Name}/{d.Vdev}",
            Path = path,
            Format = "qcow2",
            VirtualSize = baseVolume.VirtualSize,
            BackingId = full ? null : baseVolume.Id,
            Vm = spec.Uuid,
            CreatedAt = store.Time.GetUtcNow(),
        };
    }
}
