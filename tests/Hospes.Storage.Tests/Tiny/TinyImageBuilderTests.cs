using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Hospes.Storage.Tests.Tiny.Support;
using Hospes.Storage.Tiny;

namespace Hospes.Storage.Tests.Tiny;

/// <summary>Real builds from the Debian packages (cached in /var/cache/hospes/debs across runs).</summary>
[Collection(TinyImageGroup.Name)]
public sealed class TinyImageBuilderTests : IDisposable
{
    private readonly TinyImageFixture _image;
    private readonly TempDir _dir = new();

    public TinyImageBuilderTests(TinyImageFixture image)
    {
        _image = image;
    }

    [Fact]
    public async Task Build_Again_ReturnsExistingImageWithoutDownloading()
    {
        List<string> progress = [];

        var again = await new TinyImageBuilder(_image.Options).BuildAsync(force: false, new SynchronousProgress(progress.Add), CancellationToken.None);

        Assert.True(again.IsOk, again.Error?.Message);
        Assert.False(again.Value.Rebuilt);
        Assert.Equal(_image.Image.InputsHash, again.Value.Manifest.InputsHash);
        Assert.DoesNotContain(progress, p => p.Contains("download", StringComparison.Ordinal) || p.Contains("unpack", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_WritesSnakeCaseManifest_NamingItsFilesRelativeToTheImageFolder()
    {
        string imageDir = Path.GetFullPath(_image.Options.ImageDir);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(imageDir, TinyGuest.ManifestFileName)));
        JsonElement root = json.RootElement;

        Assert.Equal("tiny", root.GetProperty("name").GetString());
        Assert.Equal("vmlinuz", root.GetProperty("kernel").GetString());
        Assert.Equal("initrd.gz", root.GetProperty("initrd").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+-\d+-cloud-amd64$", root.GetProperty("kernel_version").GetString());
        Assert.Equal("quiet", root.GetProperty("default_cmdline").GetString());
        Assert.True(root.TryGetProperty("kernel_package_version", out _));
        Assert.True(root.TryGetProperty("busybox_package_version", out _));
        Assert.Matches(@"^\d{4}\.\d+-", root.GetProperty("dropbear_package_version").GetString());
        Assert.Equal("cloud-amd64", root.GetProperty("kernel_flavour").GetString());
        Assert.True(root.TryGetProperty("built_at", out _));
        TinyImageManifest? read = TinyImageBuilder.ReadManifest(imageDir);
        Assert.NotNull(read);
        // A forced rebuild by another test may have renewed built_at; everything else is fixed by the inputs.
        Assert.Equal(_image.Image with { BuiltAt = read.BuiltAt }, read);
        Assert.True(File.Exists(_image.Built.KernelPath));
    }

    [Fact]
    public async Task Build_Initramfs_HoldsBusyboxAppletLinksModulesScriptsAndSshServer()
    {
        // A gzip'd archive, then an uncompressed one at a 4-byte boundary (GZipStream, like zcat, stops after the first).
        byte[] initrd = await File.ReadAllBytesAsync(_image.Built.InitrdPath);
        string compressed = _dir.Combine("compressed.cpio");
        await using (var gz = new GZipStream(new MemoryStream(initrd), CompressionMode.Decompress))
        await using (var raw = File.Create(compressed))
        {
            await gz.CopyToAsync(raw);
        }

        string stored = _dir.Combine("stored.cpio");
        await File.WriteAllBytesAsync(stored, initrd.AsMemory(StoredArchiveOffset(initrd)));
        string[] storedListing = (await Tool.RunAsync("cpio", "-t", "-v", "--quiet", "-F", stored)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] listing = [.. (await Tool.RunAsync("cpio", "-t", "-v", "--quiet", "-F", compressed)).Split('\n'), .. storedListing];
        string modules = $"lib/modules/{_image.Image.KernelVersion}";

        Assert.Contains(listing, l => l.EndsWith(" init -> /bin/busybox", StringComparison.Ordinal));
        Assert.Contains(listing, l => l.EndsWith(" sbin/acpid -> /bin/busybox", StringComparison.Ordinal));
        Assert.Contains(listing, l => l.StartsWith("crw-------", StringComparison.Ordinal) && l.EndsWith(" dev/console", StringComparison.Ordinal));
        Assert.Contains(listing, l => l.StartsWith("-rwxr-xr-x", StringComparison.Ordinal) && l.EndsWith(" etc/rc", StringComparison.Ordinal));
        // What network tests run in the guest.
        foreach (string applet in (string[])["bin/ping", "usr/bin/nc", "sbin/ip", "usr/bin/wget", "sbin/udhcpc"])
        {
            Assert.Contains(listing, l => l.EndsWith($" {applet} -> /bin/busybox", StringComparison.Ordinal));
        }

        // dropbear and qemu-ga, their loader and exactly the libraries their DT_NEEDED entries reach; none of dropbear's client tools.
        Assert.Contains(listing, l => l.StartsWith("-rwxr-xr-x", StringComparison.Ordinal) && l.EndsWith(" usr/sbin/dropbear", StringComparison.Ordinal));
        Assert.Contains(storedListing, l => l.StartsWith("-rwxr-xr-x", StringComparison.Ordinal) && l.EndsWith(" usr/sbin/qemu-ga", StringComparison.Ordinal));
        Assert.Contains(listing, l => l.StartsWith("-rwxr-xr-x", StringComparison.Ordinal) && l.EndsWith(" usr/sbin/hospes-agent", StringComparison.Ordinal));
        Assert.Contains(listing, l => l.StartsWith("-rwxr-xr-x", StringComparison.Ordinal) && l.EndsWith(" usr/sbin/hospes-postfork", StringComparison.Ordinal));
        Assert.Contains(listing, l => l.StartsWith("-rwxr-xr-x", StringComparison.Ordinal) && l.EndsWith(" lib64/ld-linux-x86-64.so.2", StringComparison.Ordinal));
        Assert.Equal(
            [
                "libc.so.6", "libcrypt.so.1", "libglib-2.0.so.0", "libgmodule-2.0.so.0", "libgmp.so.10", "libm.so.6", "libnuma.so.1",
                "libpcre2-8.so.0", "libtomcrypt.so.1", "libtommath.so.1", "libudev.so.1", "liburing.so.2", "libz.so.1",
            ],
            listing.Select(l => l.Split(' ')[^1]).Where(p => p.StartsWith("lib/x86_64-linux-gnu/", StringComparison.Ordinal)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(listing, l => l.Contains("dbclient", StringComparison.Ordinal) || l.Contains("dropbearkey", StringComparison.Ordinal));
        Assert.Contains(listing, l => l.StartsWith("drwx------", StringComparison.Ordinal) && l.EndsWith(" root/.ssh", StringComparison.Ordinal));
        // The binaries are stored uncompressed: gunzip under TCG would cost boot time.
        Assert.Contains(storedListing, l => l.EndsWith(" usr/sbin/dropbear", StringComparison.Ordinal));
        Assert.DoesNotContain(storedListing, l => l.Contains("busybox", StringComparison.Ordinal));

        foreach (string module in (string[])["virtio_ring", "virtio_mmio", "virtio_pci", "virtio_blk", "virtio_net", "failover", "virtio_rng", "button", "evdev", "pvpanic_mmio"])
        {
            Assert.Contains(listing, l => l.EndsWith($" {modules}/{module}.ko", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Build_Forced_RebuildsIdenticalImageAndLeavesNoTempLitter()
    {
        string before = Sha256(_image.Built.InitrdPath);
        var at = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var rebuilt = await new TinyImageBuilder(_image.Options, new FixedTimeProvider(at)).BuildAsync(force: true, null, CancellationToken.None);

        Assert.True(rebuilt.IsOk, rebuilt.Error?.Message);
        Assert.True(rebuilt.Value.Rebuilt);
        Assert.Equal(at, rebuilt.Value.Manifest.BuiltAt);
        Assert.Equal(before, Sha256(rebuilt.Value.InitrdPath));
        Assert.Equal(["tiny"], Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(_image.Options.ImageDir)!).Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateDirectories(TestPaths.DebCache, ".partial-*"));
    }

    [Fact]
    public async Task Build_WhenDownloadFails_KeepsPreviousImageAndLeavesNoTempLitter()
    {
        string images = _dir.Combine("images");
        string imageDir = Path.Combine(images, "tiny");
        Directory.CreateDirectory(imageDir);
        foreach (string file in Directory.EnumerateFiles(_image.Options.ImageDir))
        {
            File.Copy(file, Path.Combine(imageDir, Path.GetFileName(file)));
        }

        // A cache directory that cannot be created: its parent is a regular file.
        string blocker = _dir.Combine("not-a-directory");
        await File.WriteAllTextAsync(blocker, "");
        var options = new TinyImageOptions { ImageDir = imageDir, CacheDir = Path.Combine(blocker, "debs") };

        var failed = await new TinyImageBuilder(options).BuildAsync(force: true, null, CancellationToken.None);

        Assert.False(failed.IsOk);
        Assert.StartsWith($"cannot write to the package cache {options.CacheDir}:", failed.Error.Message, StringComparison.Ordinal);
        Assert.Equal(Sha256(_image.Built.InitrdPath), Sha256(Path.Combine(imageDir, "initrd.gz")));
        Assert.Equal(["tiny"], Directory.EnumerateFileSystemEntries(images).Select(Path.GetFileName));
    }

    [Fact]
    public void ReadManifest_MissingOrCorrupt_IsNull()
    {
        Assert.Null(TinyImageBuilder.ReadManifest(_dir.Combine("nothing-here")));

        File.WriteAllText(_dir.Combine(TinyGuest.ManifestFileName), """{"name":"tiny"}""");
        Assert.Null(TinyImageBuilder.ReadManifest(_dir.Path));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>The first cpio magic at a 4-byte boundary after the gzip header (a chance match in gzip data is ~2^-48 per place).</summary>
    private static int StoredArchiveOffset(byte[] initrd)
    {
        for (int at = 4; at + 6 <= initrd.Length; at += 4)
        {
            if (initrd.AsSpan(at, 6).SequenceEqual("070701"u8))
            {
                return at;
            }
        }

        throw new InvalidDataException("the initrd has no uncompressed cpio archive after its gzip'd one");
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
