using Hospes.Core.Errors;
using Hospes.Storage.QemuImg;

namespace Hospes.Testing.Fakes;

/// <summary>
/// qemu-img without qemu-img, in milliseconds: each image it makes is a small real file (so the host's own file steps,
/// a move, a copy, a delete, see it), whose format, size, backing file and snapshots are kept here. Records each call;
/// a test can make the Nth create fail as a full disk would.
/// </summary>
public sealed class FakeQemuImg : IQemuImg
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakeImage> _images = new(StringComparer.Ordinal);
    private readonly List<string> _calls = [];
    private readonly List<string> _probes = [];
    private readonly HashSet<int> _failingCreates = [];
    private int _creates;

    /// <summary>Every call, as "command path" (e.g. "create /srv/disks/a.qcow2"), in order.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Files whose format was probed (<see cref="DetectAsync"/>), in order: the only call that does not name a format.</summary>
    public IReadOnlyList<string> Probes
    {
        get
        {
            lock (_lock)
            {
                return [.. _probes];
            }
        }
    }

    /// <summary>Makes the <paramref name="nth"/> create from now on (1 = the next) fail; create, overlay and convert each count as one.</summary>
    public void FailCreate(int nth)
    {
        lock (_lock)
        {
            _failingCreates.Add(_creates + nth);
        }
    }

    /// <summary>An image file made elsewhere (an import's source, a base): a small real file reported as <paramref name="format"/>.</summary>
    public string Add(string path, string format = "qcow2", long sizeBytes = 1L << 30)
    {
        Write(path, new FakeImage(format, sizeBytes));
        return path;
    }

    /// <summary>What the fake knows of <paramref name="path"/>, or null when it did not make it.</summary>
    public FakeImage? Image(string path)
    {
        lock (_lock)
        {
            return _images.GetValueOrDefault(path);
        }
    }

    public void Change(string path, Func<FakeImage, FakeImage> change)
    {
        lock (_lock)
        {
            _images[path] = change(_images[path]);
        }
    }

    /// <summary>As qemu-img opens a file as the format it is told: a qcow2 read as raw is raw bytes (no backing file), a raw file read as qcow2 fails.</summary>
    public Task<Result<ImageFileInfo>> InfoAsync(string path, string format, CancellationToken ct)
    {
        Record("info", path);
        Result<FakeImage> image = As(Read("info", path), path, format);
        return Task.FromResult(Info(path, image));
    }

    public Task<Result<DetectedFormat>> DetectAsync(string path, CancellationToken ct)
    {
        Record("info", path);
        lock (_lock)
        {
            _probes.Add(path);
        }

        Result<FakeImage> image = Read("info", path);
        return Task.FromResult<Result<DetectedFormat>>(image.IsOk ? new DetectedFormat(image.Value.Format, image.Value.VirtualSize) : image.Error);
    }

    private static Result<ImageFileInfo> Info(string path, Result<FakeImage> image) =>
        image.IsOk
            ? new ImageFileInfo
            {
                Filename = path,
                Format = image.Value.Format,
                VirtualSize = image.Value.VirtualSize,
                ActualSize = new FileInfo(path).Length,
                BackingFile = image.Value.BackingFile,
                FullBackingFile = image.Value.BackingFile,
                BackingFormat = image.Value.BackingFormat,
                Snapshots = image.Value.Snapshots,
                Corrupt = image.Value.Corrupt,
                DataFile = image.Value.DataFile,
                Extents = image.Value.Extents,
            }
            : image.Error;

    /// <summary>The image as read with <paramref name="format"/>.</summary>
    private static Result<FakeImage> As(Result<FakeImage> image, string path, string format)
    {
        if (!image.IsOk || image.Value.Format == format)
        {
            return image;
        }

        return format == "raw"
            ? new FakeImage("raw", new FileInfo(path).Length)
            : HospesError.Invalid($"qemu-img info {path}: Could not open '{path}': Image is not in {format} format; the file is damaged or not an image of the expected format (try 'qemu-img check')");
    }

    public Task<Result<CheckResult>> CheckAsync(string path, string format, CancellationToken ct)
    {
        Record("check", path);
        Result<FakeImage> image = As(Read("check", path), path, format);
        if (!image.IsOk)
        {
            return Task.FromResult<Result<CheckResult>>(image.Error);
        }

        CheckResult result = image.Value.Format == "raw"
            ? new CheckResult { Clean = true, Supported = false }
            : new CheckResult { Clean = !image.Value.Corrupt, Corruptions = image.Value.Corrupt ? 1 : 0 };
        return Task.FromResult<Result<CheckResult>>(result);
    }

    public Task<Result<bool>> ConvertAsync(string src, string srcFormat, string dst, string dstFormat, CancellationToken ct)
    {
        Record("convert", src);
        Result<FakeImage> source = As(Read("convert", src), src, srcFormat);
        return Task.FromResult(source.IsOk ? Make("convert", dst, new FakeImage(dstFormat, source.Value.VirtualSize)) : source.Error);
    }

    public Task<Result<bool>> CreateAsync(string path, string format, long sizeBytes, CancellationToken ct)
    {
        Record("create", path);
        return Task.FromResult(Make("create", path, new FakeImage(format, sizeBytes)));
    }

    public Task<Result<bool>> CreateOverlayAsync(string path, string backingPath, string backingFormat, CancellationToken ct)
    {
        Record("create", path);
        Result<FakeImage> backing = Read("create", backingPath);
        return Task.FromResult(backing.IsOk
            ? Make("create", path, new FakeImage("qcow2", backing.Value.VirtualSize) { BackingFile = backingPath, BackingFormat = backingFormat })
            : backing.Error);
    }

    public Task<Result<bool>> ResizeAsync(string path, string format, long newSizeBytes, CancellationToken ct) => ResizeAsync(path, format, newSizeBytes, false, ct);

    public Task<Result<bool>> ResizeAsync(string path, string format, long newSizeBytes, bool allowShrink, CancellationToken ct)
    {
        Record("resize", path);
        Result<FakeImage> image = As(Read("resize", path), path, format);
        if (!image.IsOk)
        {
            return Task.FromResult<Result<bool>>(image.Error);
        }

        if (newSizeBytes < image.Value.VirtualSize && !allowShrink)
        {
            return Task.FromResult<Result<bool>>(HospesError.Invalid($"qemu-img resize {path}: shrinking would cut off the guest's data"));
        }

        Change(path, i => i with { VirtualSize = newSizeBytes });
        return Task.FromResult<Result<bool>>(true);
    }

    public Task<Result<bool>> RebaseAsync(string path, string newBacking, string backingFormat, bool unsafeRebase, CancellationToken ct) =>
        OnImage("rebase", path, i => i with { BackingFile = newBacking, BackingFormat = backingFormat });

    public Task<Result<bool>> CommitAsync(string path, CancellationToken ct) => OnImage("commit", path, i => i);

    public Task<Result<bool>> SnapshotCreateAsync(string path, string name, CancellationToken ct) =>
        OnImage("snapshot", path, i => i.Snapshots.Any(s => s.Name == name)
            ? HospesError.Conflict($"image {path} already has a snapshot '{name}'; choose another name or delete the old one")
            : i with { Snapshots = [.. i.Snapshots, new ImageSnapshot($"{i.Snapshots.Count + 1}", name, 0, DateTimeOffset.UtcNow, TimeSpan.Zero)] });

    public Task<Result<IReadOnlyList<ImageSnapshot>>> SnapshotListAsync(string path, CancellationToken ct)
    {
        Record("snapshot", path);
        Result<FakeImage> image = Read("snapshot", path);
        return Task.FromResult<Result<IReadOnlyList<ImageSnapshot>>>(image.IsOk ? Result.Ok(image.Value.Snapshots) : image.Error);
    }

    public Task<Result<bool>> SnapshotApplyAsync(string path, string name, CancellationToken ct) =>
        OnImage("snapshot", path, i => i.Snapshots.Any(s => s.Name == name) ? i : NoSnapshot(path, name));

    public Task<Result<bool>> SnapshotDeleteAsync(string path, string name, CancellationToken ct) =>
        OnImage("snapshot", path, i => i.Snapshots.Any(s => s.Name == name) ? i with { Snapshots = [.. i.Snapshots.Where(s => s.Name != name)] } : NoSnapshot(path, name));

    private static HospesError NoSnapshot(string path, string name) => HospesError.NotFound($"image {path} has no snapshot '{name}'");

    private Task<Result<bool>> OnImage(string command, string path, Func<FakeImage, Result<FakeImage>> change)
    {
        Record(command, path);
        lock (_lock)
        {
            Result<FakeImage> image = Read(command, path);
            Result<FakeImage> changed = image.IsOk ? change(image.Value) : image.Error;
            if (changed.IsOk)
            {
                _images[path] = changed.Value;
            }

            return Task.FromResult<Result<bool>>(changed.IsOk ? true : changed.Error);
        }
    }

    /// <summary>A file that exists and the fake did not make reads as raw data, as qemu-img probes it.</summary>
    private Result<FakeImage> Read(string command, string path)
    {
        if (!File.Exists(path))
        {
            return HospesError.NotFound($"qemu-img {command} {path}: Could not open '{path}': No such file or directory; check the path");
        }

        lock (_lock)
        {
            return _images.GetValueOrDefault(path) ?? Recognise(path);
        }
    }

    /// <summary>A file the fake made under another name (the folder was moved): its first line says what it is. Anything else is raw data.</summary>
    private static FakeImage Recognise(string path)
    {
        string[] words = File.ReadLines(path).FirstOrDefault()?.Split(' ') ?? [];
        return words is ["fake", var format, "image", "of", var size, "bytes"] && long.TryParse(size, System.Globalization.CultureInfo.InvariantCulture, out long bytes)
            ? new FakeImage(format, bytes)
            : new FakeImage("raw", new FileInfo(path).Length);
    }

    private Result<bool> Make(string command, string path, FakeImage image)
    {
        if (File.Exists(path))
        {
            return HospesError.Conflict($"qemu-img {command} {path}: the file exists; choose another path or delete it first");
        }

        lock (_lock)
        {
            if (_failingCreates.Remove(++_creates))
            {
                return HospesError.Unavailable($"qemu-img {command} {path}: No space left on device; free space on the filesystem holding {path}");
            }
        }

        Write(path, image);
        return true;
    }

    private void Write(string path, FakeImage image)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"fake {image.Format} image of {image.VirtualSize} bytes\n");
        lock (_lock)
        {
            _images[path] = image;
        }
    }

    private void Record(string command, string path)
    {
        lock (_lock)
        {
            _calls.Add($"{command} {path}");
        }
    }
}
