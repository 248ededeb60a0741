using System.Text.Json;
using Hospes.Storage.Debian;
using Hospes.Storage.Tests.Debian.Support;
using Hospes.Storage.Tests.Tiny.Support;
using Xunit.Abstractions;

namespace Hospes.Storage.Tests.Debian;

/// <summary>A real build with debootstrap (minutes; the .debs are cached in /var/cache/hospes/debootstrap across runs).</summary>
[Collection(DebianImageGroup.Name)]
[Trait("Category", "Slow")]
public sealed class DebianImageBuildTests : IDisposable
{
    private readonly DebianImageFixture _image;
    private readonly TempDir _dir = new();

    public DebianImageBuildTests(DebianImageFixture image, ITestOutputHelper output)
    {
        _image = image;
        output.WriteLine($"build took {image.Image.Elapsed.TotalSeconds:F0} s:\n{string.Join('\n', image.Progress)}");
    }

    [Fact]
    public async Task Build_WritesCleanQcow2DiskKernelInitrdAndNothingElse()
    {
        string imageDir = _image.Image.ImageDir;

        Assert.Equal(
            ["disk.qcow2", "image.json", "initrd.img", "vmlinuz"],
            Directory.GetFiles(imageDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("No errors were found on the image.", await Tool.RunAsync("qemu-img", "check", _image.Image.DiskPath), StringComparison.Ordinal);
        string info = await Tool.RunAsync("qemu-img", "info", "--output=json", _image.Image.DiskPath);
        using JsonDocument disk = JsonDocument.Parse(info);
        Assert.Equal("qcow2", disk.RootElement.GetProperty("format").GetString());
        Assert.Equal(DebianGuest.DefaultSizeBytes, disk.RootElement.GetProperty("virtual-size").GetInt64());
        Assert.True(new FileInfo(_image.Image.KernelPath).Length > 1 << 20);
        Assert.True(new FileInfo(_image.Image.InitrdPath).Length > 1 << 20);
        // Only the image remains beside it: the hidden build directory is gone.
        Assert.Equal(["debian"], Directory.GetFileSystemEntries(Path.GetDirectoryName(imageDir)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Build_WritesSnakeCaseManifestThatTheImageStoreReads()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_image.Image.ImageDir, "image.json")));
        JsonElement root = json.RootElement;

        Assert.Equal("debian", root.GetProperty("name").GetString());
        Assert.Equal("debian-template", root.GetProperty("kind").GetString());
        Assert.Equal("vmlinuz", root.GetProperty("kernel").GetString());
        Assert.Equal("initrd.img", root.GetProperty("initrd").GetString());
        Assert.Equal("disk.qcow2", root.GetProperty("disk").GetString());
        Assert.Equal("qcow2", root.GetProperty("disk_format").GetString());
        Assert.Equal("/dev/vda1", root.GetProperty("root").GetString());
        Assert.Equal("root=/dev/vda1 ro console=ttyS0 quiet", root.GetProperty("default_cmdline").GetString());
        Assert.Equal("bookworm", root.GetProperty("release").GetString());
        Assert.Equal("login:", root.GetProperty("login_prompt").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+-\d+-cloud-amd64$", root.GetProperty("kernel_version").GetString());
        Assert.True(root.TryGetProperty("built_at", out _));
        Assert.Equal(_image.Image.Manifest, DebianImageBuilder.ReadManifest(_image.Image.ImageDir));

        var store = new Hospes.Storage.Images.ImageStore(Path.GetDirectoryName(_image.Image.ImageDir)!);
        var found = store.Find("debian");
        Assert.True(found.IsOk, found.Error?.Message);
        Assert.Equal(_image.Image.KernelPath, found.Value.Kernel);
        Assert.Equal("debian-template", found.Value.Kind);
    }

    [Fact]
    public async Task Disk_HasOneBootableExt4PartitionWithGrubMenuFstabAndTemplateIdentity()
    {
        string raw = _dir.File("disk.raw");
        await Tool.RunAsync("qemu-img", "convert", "-f", "qcow2", "-O", "raw", _image.Image.DiskPath, raw);
        string fs = $"{raw}?offset={DebianDisk.PartitionOffset}";

        using JsonDocument table = JsonDocument.Parse(await Tool.RunAsync("sfdisk", "-J", raw));
        JsonElement partition = Assert.Single(table.RootElement.GetProperty("partitiontable").GetProperty("partitions").EnumerateArray());
        Assert.Equal("dos", table.RootElement.GetProperty("partitiontable").GetProperty("label").GetString());
        Assert.Equal(2048, partition.GetProperty("start").GetInt64());
        Assert.Equal("83", partition.GetProperty("type").GetString());
        Assert.True(partition.GetProperty("bootable").GetBoolean());
        Assert.Equal("root", (await Tool.RunAsync("blkid", "-p", "-o", "value", "-s", "LABEL", "-O", $"{DebianDisk.PartitionOffset}", raw)).Trim());

        string version = _image.Image.Manifest.KernelVersion;
        string grub = await CatAsync(fs, "/boot/grub/grub.cfg");
        Assert.Contains($"    linux /boot/vmlinuz-{version} root=/dev/vda1 ro console=ttyS0 quiet\n", grub, StringComparison.Ordinal);
        Assert.Contains($"    initrd /boot/initrd.img-{version}\n", grub, StringComparison.Ordinal);
        Assert.StartsWith("LABEL=root\t/\text4\t", await CatAsync(fs, "/etc/fstab"), StringComparison.Ordinal);
        Assert.Equal("debian\n", await CatAsync(fs, "/etc/hostname"));
        Assert.Equal("", await CatAsync(fs, "/etc/machine-id"));
        Assert.DoesNotContain("ssh_host_", await Tool.RunAsync("debugfs", "-R", "ls /etc/ssh", fs), StringComparison.Ordinal);
        Assert.Contains("/dev/null", await Tool.RunAsync("debugfs", "-R", "stat /etc/systemd/system/apt-daily.timer", fs), StringComparison.Ordinal);
        Assert.DoesNotContain(".deb", await Tool.RunAsync("debugfs", "-R", "ls /var/cache/apt/archives", fs), StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private static async Task<string> CatAsync(string fs, string path) => await Tool.RunAsync("debugfs", "-R", $"cat {path}", fs);
}
