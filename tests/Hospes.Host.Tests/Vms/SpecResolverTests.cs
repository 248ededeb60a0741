using Hospes.Core.Vms;
using Hospes.Host.Vms;
using Hospes.Storage.Images;

namespace Hospes.Host.Tests.Vms;

public class SpecResolverTests
{
    [Fact]
    public void ImageKernel_ResolvesToTheStoresFiles_WithItsDefaultsAndTheGuestsName()
    {
        using var dir = new TempDir();
        string tiny = TinyImage(dir, """{"kernel": "vmlinuz", "initrd": "initrd.gz", "default_cmdline": "quiet"}""");

        var resolved = SpecResolver.Resolve(new VmSpec { Name = "web", Kernel = "image:tiny" }, new ImageStore(dir.Path));

        Assert.True(resolved.IsOk, resolved.Error?.Message);
        Assert.Equal(Path.Combine(tiny, "vmlinuz"), resolved.Value.Spec.Kernel);
        Assert.Equal(Path.Combine(tiny, "initrd.gz"), resolved.Value.Spec.Ramdisk);
        Assert.Equal("quiet hospes.name=web", resolved.Value.HostCmdline);
    }

    [Fact]
    public void AnImageCopiedFromAnotherStore_WhoseManifestNamesAbsolutePaths_BootsItsOwnFiles()
    {
        using var dir = new TempDir();
        string tiny = TinyImage(dir, """{"kernel": "/elsewhere/images/tiny/vmlinuz", "initrd": "/elsewhere/images/tiny/initrd.gz"}""");

        var found = new ImageStore(dir.Path).Find("tiny");

        Assert.True(found.IsOk, found.Error?.Message);
        Assert.Equal(Path.Combine(tiny, "vmlinuz"), found.Value.Kernel);
        Assert.Equal(Path.Combine(tiny, "initrd.gz"), found.Value.Initrd);
    }

    [Fact]
    public void MissingImageAndFiles_AreAllNamed()
    {
        using var dir = new TempDir();
        VmSpec spec = new()
        {
            Name = "web",
            Kernel = "image:tiny",
            Disks = [new DiskSpec { Target = "/nonexistent/a.img", Vdev = "xvda", Source = "/nonexistent/a.img,raw,xvda,w" }],
        };

        var resolved = SpecResolver.Resolve(spec, new ImageStore(dir.Path));

        Assert.False(resolved.IsOk);
        Assert.StartsWith("web cannot start here: kernel 'image:tiny': image 'tiny' does not exist", resolved.Error.Message, StringComparison.Ordinal);
        Assert.Contains("run `hospes image build tiny`", resolved.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, resolved.Error.Details.Count);
        Assert.Equal("disk '/nonexistent/a.img,raw,xvda,w': /nonexistent/a.img does not exist", resolved.Error.Details[1]);
    }

    /// <summary>An image folder "tiny" in <paramref name="store"/> with a kernel, an initrd and <paramref name="manifest"/>.</summary>
    private static string TinyImage(TempDir store, string manifest)
    {
        string tiny = Path.Combine(store.Path, "tiny");
        Directory.CreateDirectory(tiny);
        File.WriteAllText(Path.Combine(tiny, "vmlinuz"), "k");
        File.WriteAllText(Path.Combine(tiny, "initrd.gz"), "i");
        File.WriteAllText(Path.Combine(tiny, "image.json"), manifest);
        return tiny;
    }
}
