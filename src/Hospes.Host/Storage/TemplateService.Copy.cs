using System.Collections.Concurrent;
using System.Security.Cryptography;
using Hospes.Core.Errors;
using Hospes.Core.Files;
using Hospes.Core.Vms;
using Hospes.Host.State;

namespace Hospes.Host.Storage;

/// <summary>
/// A template's copy from one cluster member to another, so clones placed there are linked clones of a local copy:
/// written under a temporary name, checked (size, sha256), renamed and recorded in one step; a kill before the rename
/// leaves a `.partial` folder that the store's repair removes, never a half template.
/// </summary>
internal sealed partial class TemplateService
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Arrivals = new(StringComparer.Ordinal);

    /// <summary>
    /// What is sent of template <paramref name="name"/>: the header and the files' paths (those not shared) in order. A
    /// disk that is an overlay (on an image) is sent flattened: written to <c>Scratch</c> (the caller deletes it).
    /// </summary>
    public async Task<Result<TemplateCopyPlan>> CopyPlanAsync(string name, string origin, CancellationToken ct)
    {
        Result<TemplateRecord> found = store.FindTemplate(name);
        if (!found.IsOk)
        {
            return found.Error;
        }

        TemplateRecord t = found.Value;
        IReadOnlyList<string> shared = store.Layout.Options.SharedDirs;
        var files = new List<TemplateCopyFile>();
        var paths = new List<string>();
        string? scratch = null;
        foreach (VolumeRecord v in store.All().Where(v => v.Kind == VolumeKind.Template && v.Template == name).OrderBy(v => v.Name, StringComparer.Ordinal))
        {
            bool isShared = shared.Any(d => v.Path.StartsWith(d + "/", StringComparison.Ordinal));
            if (!File.Exists(v.Path))
            {
                return HospesError.NotFound($"template {name}'s disk file {v.Path} is missing on host '{origin}'; `hospes disk check` tells more");
            }

            string vdev = v.Name[(v.Name.IndexOf('/', StringComparison.Ordinal) + 1)..];
            string sent = v.Path;
            if (v.BackingId is not null && !isShared)
            {
                // An overlay's backing file is a path on this host: the other host gets one standalone file.
                scratch ??= Directory.CreateDirectory(Path.Combine(store.Layout.TemplatesDir, $"{name}.send-{Guid.NewGuid():N}{StoreLayout.PartialSuffix}")).FullName;
                sent = Path.Combine(scratch, $"{vdev}.qcow2");
                Result<bool> flat = await img.ConvertAsync(v.Path, "qcow2", sent, "qcow2", ct).ConfigureAwait(false);
                if (!flat.IsOk)
                {
                    StoreFiles.DeleteQuietly(scratch);
                    return HospesError.Unavailable($"cannot flatten template {name}'s disk {vdev} for another host: {flat.Error.Message}");
                }
            }

            files.Add(new TemplateCopyFile
            {
                Vdev = vdev,
                Target = v.Path,
                Size = isShared ? 0 : new FileInfo(sent).Length,
                Sha256 = sent == v.Path && v.Checksum is { } sum ? sum : await StoreFiles.Sha256Async(sent, ct).ConfigureAwait(false),
                VirtualSize = v.VirtualSize,
                Shared = isShared,
            });
            if (!isShared)
            {
                paths.Add(sent);
            }
        }

        TemplateCopyOrigin? copied = TemplateCopyOrigin.Read(store.Layout.TemplateDir(name));
        var header = new TemplateCopyHeader
        {
            Name = t.Name,
            Project = t.Project,
            Spec = t.Spec,
            SourceVm = t.SourceVm,
            ReadyMarker = t.ReadyMarker,
            Origin = origin,
            Files = files,
            Home = copied?.Home ?? origin,
            HomeCreatedAt = copied?.HomeCreatedAt ?? t.CreatedAt,
        };
        return new TemplateCopyPlan(header, paths, scratch);
    }

    /// <summary>The disks' checksums of template <paramref name="name"/> here, sorted (a copy has its origin's).</summary>
    public IReadOnlyList<string> Checksums(string name) =>
        [.. store.All().Where(v => v.Kind == VolumeKind.Template && v.Template == name).Select(v => v.Checksum ?? "").Order(StringComparer.Ordinal)];

    /// <summary>
    /// Takes a template another member sends (<paramref name="header"/>, then its files from <paramref name="body"/>).
    /// A template of that name with the same disks here already is the answer as it is (nothing is written); one with
    /// other disks is a conflict naming both hosts.
    /// </summary>
    public async Task<Result<TemplateView>> ReceiveAsync(TemplateCopyHeader header, Stream body, string here, CancellationToken ct)
    {
        Result<string> valid = VolumeStore.ValidName(header.Name, "template");
        if (!valid.IsOk)
        {
            return valid.Error;
        }

        if (Missing(header, here) is { } missing)
        {
            return missing;
        }

        string name = header.Name;
        IReadOnlyList<string> sums = [.. header.Files.Select(f => f.Sha256).Order(StringComparer.Ordinal)];
        SemaphoreSlim one = Arrivals.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await one.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Decided(header, sums, here).Answer is { } have)
            {
                return have;
            }

            string final = store.Layout.TemplateDir(name);
            string partial = final + StoreLayout.PartialSuffix;
            StoreFiles.DeleteQuietly(partial);
            Directory.CreateDirectory(partial);
            try
            {
                var rows = new List<VolumeRecord>();
                var targets = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (TemplateCopyFile f in header.Files)
                {
                    string file = $"{f.Vdev}.qcow2";
                    string path = f.Shared ? f.Target : Path.Combine(final, file);
                    if (!f.Shared)
                    {
                        Result<bool> written = await ReceiveFileAsync(body, Path.Combine(partial, file), f, ct).ConfigureAwait(false);
                        if (!written.IsOk)
                        {
                            return HospesError.Unavailable($"template {name} from host '{header.Origin}' to host '{here}': disk {f.Vdev}: {written.Error.Message}; nothing was kept, the next clone run tries again");
                        }

                        StoreFiles.MakeReadOnly(Path.Combine(partial, file));
                    }

                    targets[f.Target] = path;
                    rows.Add(new VolumeRecord
                    {
                        Kind = VolumeKind.Template,
                        Project = header.Project,
                        Name = $"{name}/{f.Vdev}",
                        Path = path,
                        Format = "qcow2",
                        VirtualSize = f.VirtualSize,
                        Template = name,
                        Checksum = f.Sha256,
                        CreatedAt = store.Time.GetUtcNow(),
                    });
                }

                var record = new TemplateRecord
                {
                    Name = name,
                    Spec = header.Spec with { Disks = [.. header.Spec.Disks.Select(d => targets.TryGetValue(d.Target, out string? to) ? d with { Target = to } : d)] },
                    SourceVm = header.SourceVm,
                    Project = header.Project,
                    ReadyMarker = header.ReadyMarker,
                    CreatedAt = store.Time.GetUtcNow(),
                };
                new TemplateCopyOrigin { Home = header.Home ?? header.Origin, HomeCreatedAt = header.HomeCreatedAt, From = header.Origin, CopiedAt = store.Time.GetUtcNow() }.Write(partial);
                return await RecordArrivalAsync(record, rows, partial, final, header, sums, here, ct).ConfigureAwait(false);
            }
            finally
            {
                StoreFiles.DeleteQuietly(partial);
            }
        }
        finally
        {
            one.Release();
        }
    }

    /// <summary>What the template boots that this host lacks: a store image, a kernel or initrd path.</summary>
    private HospesError? Missing(TemplateCopyHeader header, string here)
    {
        foreach (string? boot in new[] { header.Spec.Kernel, header.Spec.Ramdisk })
        {
            string? lacking = boot switch
            {
                null or "" => null,
                { } b when b.StartsWith("image:", StringComparison.Ordinal) => Directory.Exists(store.Layout.ImageDir(b["image:".Length..])) ? null : $"the image '{b["image:".Length..]}' (`hospes image` imports it there)",
                { } b when Path.IsPathRooted(b) => File.Exists(b) ? null : $"the file {b} (put it at that path there, or under a cluster.shared_dirs directory)",
                _ => null,
            };
            if (lacking is not null)
            {
                return HospesError.NotFound($"template {header.Name} (from host '{header.Origin}') boots {boot}, and host '{here}' lacks {lacking}; nothing was copied");
            }
        }

        return null;
    }

    private static async Task<Result<bool>> ReceiveFileAsync(Stream body, string to, TemplateCopyFile f, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[1 << 16];
        long left = f.Size;
        await using (FileStream dst = File.Create(to))
        {
            while (left > 0)
            {
                int read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    return HospesError.Unavailable($"the sender stopped after {f.Size - left} of {f.Size} bytes");
                }

                sha.AppendData(buffer, 0, read);
                await dst.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                left -= read;
            }

            await dst.FlushAsync(ct).ConfigureAwait(false);
            dst.Flush(flushToDisk: true);
        }

        string sum = Convert.ToHexStringLower(sha.GetHashAndReset());
        return f.Sha256.Length == 0 || string.Equals(sum, f.Sha256, StringComparison.OrdinalIgnoreCase)
            ? true
            : HospesError.Unavailable($"its sha256 is {sum}, the sender's {f.Sha256}");
    }
}
