using Hospes.Core.Errors;
using Hospes.Storage.Bootloader;

namespace Hospes.Storage.Tests.Bootloader;

/// <summary>Real disk images built without mounting, read back through debugfs.</summary>
public sealed class GuestBootLoaderTests : IDisposable
{
    private const string DebianGrubCfg = """
        if [ -s $prefix/grubenv ]; then
          set have_grubenv=true
          load_env
        fi
        if [ "${next_entry}" ] ; then
           set default="${next_entry}"
           set next_entry=
           save_env next_entry
           set boot_once=true
        else
           set default="1"
        fi
        if [ x"${feature_menuentry_id}" = xy ]; then
          menuentry_id_option="--id"
        else
          menuentry_id_option=""
        fi
        function load_video {
          insmod all_video
        }
        menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple-1234' {
                load_video
                insmod ext2
                echo    'Loading Linux 6.1.0-old ...'
                linux   /boot/vmlinuz-6.1.0-old root=UUID=1234 ro  quiet
                initrd  /boot/initrd.img-6.1.0-old
        }
        menuentry 'Debian GNU/Linux, new kernel' --class debian $menuentry_id_option 'gnulinux-new-1234' {
                linux   /boot/vmlinuz-6.1.0-new root=UUID=1234 ro console=ttyS0 "acpi_osi=Windows 2009"
                initrd  /boot/initrd.img-6.1.0-new
        }
        """;

    private readonly TempDir _dir = new();
    private readonly byte[] _oldKernel = BootDisk.Bytes(300_000, 1);
    private readonly byte[] _newKernel = BootDisk.Bytes(250_000, 2);
    private readonly byte[] _newInitrd = BootDisk.Bytes(123_457, 3);

    [Fact]
    public async Task WholeDiskExt4_Grub2Default_ExtractsThatEntrysFiles()
    {
        string disk = await DebianRootAsync("disk");

        GuestBootEntry entry = await FindAsync(disk, "raw", null);

        Assert.Equal("Debian GNU/Linux, new kernel", entry.Title);
        Assert.Equal(0, entry.FromPartition);
        Assert.Equal("root=UUID=1234 ro console=ttyS0 acpi_osi=\"Windows 2009\"", entry.Args);
        Assert.Equal(_newKernel, await File.ReadAllBytesAsync(entry.KernelPath));
        Assert.Equal(_newInitrd, await File.ReadAllBytesAsync(entry.InitrdPath!));
        Assert.Equal(_dir.Combine("out", GuestBootLoader.KernelFileName), entry.KernelPath);
    }

    [Theory]
    [InlineData("Debian GNU/Linux", "Debian GNU/Linux")]
    [InlineData("0", "Debian GNU/Linux")]
    [InlineData("gnulinux-new-1234", "Debian GNU/Linux, new kernel")]
    [InlineData("new kernel", "Debian GNU/Linux, new kernel")]
    public async Task EntryHint_PicksByPositionIdOrTitle(string hint, string title)
    {
        string disk = await DebianRootAsync("disk");

        GuestBootEntry entry = await FindAsync(disk, null, hint);

        Assert.Equal(title, entry.Title);
        Assert.Equal(title.EndsWith("new kernel", StringComparison.Ordinal) ? _newKernel : _oldKernel, await File.ReadAllBytesAsync(entry.KernelPath));
    }

    [Fact]
    public async Task EntryHint_MatchingNothing_ListsTheEntries()
    {
        string disk = await DebianRootAsync("disk");

        Result<GuestBootEntry> found = await new GuestBootLoader().FindAsync(disk, "raw", _dir.Combine("out"), "windows", CancellationToken.None);

        Assert.False(found.IsOk);
        Assert.Contains("no entry 'windows'", found.Error.Message, StringComparison.Ordinal);
        Assert.Contains("1 'Debian GNU/Linux, new kernel'", found.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MbrQcow2_SwapThenBootableExt4WithMenuLst_BootsPartitionTwo(bool preferFuse)
    {
        string menu = """
            # menu.lst, GRUB legacy
            default         1
            timeout         5
            title           Old
            root            (hd0,1)
            kernel          /boot/vmlinuz-old root=/dev/sda2 ro
            title           Debian GNU/Linux, kernel 2.6.32
            root            (hd0,1)
            kernel          (hd0,1)/boot/vmlinuz-2.6.32 root=/dev/sda2 ro console=hvc0
            initrd          /boot/initrd.img-2.6.32
            """;
        string root = await BootDisk.Ext4Async(_dir.Path, "root", new Dictionary<string, object>
        {
            ["boot/grub/menu.lst"] = menu,
            ["boot/vmlinuz-2.6.32"] = _newKernel,
            ["boot/initrd.img-2.6.32"] = _newInitrd,
        });
        string swap = await BootDisk.SwapAsync(_dir.Path, "swap", 4);
        string disk = await BootDisk.ToQcow2Async(await BootDisk.PartitionedAsync(
            _dir.Path, "disk", "dos", new Part(4, "82", swap), new Part(16, "83", root, Bootable: true)));

        GuestBootEntry entry = await FindAsync(disk, "qcow2", null, preferFuse);

        Assert.Equal(2, entry.FromPartition);
        Assert.Equal("Debian GNU/Linux, kernel 2.6.32", entry.Title);
        Assert.Equal("root=/dev/sda2 ro console=hvc0", entry.Args);
        Assert.Equal(_newKernel, await File.ReadAllBytesAsync(entry.KernelPath));
        Assert.Equal(_newInitrd, await File.ReadAllBytesAsync(entry.InitrdPath!));
        Assert.Equal(
            [GuestBootLoader.InitrdFileName, GuestBootLoader.KernelFileName],
            Directory.GetFileSystemEntries(_dir.Combine("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(_dir.Combine("out"), File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GptWithSeparateBootPartition_SubmenuAndSavedEntry_ResolvesPathsWithoutBoot()
    {
        string cfg = """
            load_env
            set default="${saved_entry}"
            menuentry 'Debian GNU/Linux' {
                linux /vmlinuz-6.1.0-old root=/dev/vda2 ro
            }
            submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-1234' {
                menuentry 'Debian GNU/Linux, with Linux 6.1.0-old' {
                    linux /vmlinuz-6.1.0-old root=/dev/vda2 ro
                }
                menuentry 'Debian GNU/Linux, with Linux 6.1.0-new' $menuentry_id_option 'gnulinux-6.1.0-new-1234' {
                    linux /vmlinuz-6.1.0-new root=/dev/vda2 ro single
                    initrd /initrd.img-6.1.0-new
                }
            }
            """;
        string boot = await BootDisk.Ext4Async(_dir.Path, "boot", new Dictionary<string, object>
        {
            ["grub/grub.cfg"] = cfg,
            ["grub/grubenv"] = "# GRUB Environment Block\nsaved_entry=gnulinux-advanced-1234>gnulinux-6.1.0-new-1234\n####\n",
            ["vmlinuz-6.1.0-old"] = _oldKernel,
            ["vmlinuz-6.1.0-new"] = _newKernel,
            ["initrd.img-6.1.0-new"] = _newInitrd,
        });
        string root = await BootDisk.Ext4Async(_dir.Path, "root", new Dictionary<string, object> { ["etc/hostname"] = "guest\n" });
        string disk = await BootDisk.PartitionedAsync(_dir.Path, "disk", "gpt", new Part(16, "L", boot), new Part(16, "L", root));

        GuestBootEntry entry = await FindAsync(disk, null, null);

        Assert.Equal(1, entry.FromPartition);
        Assert.Equal("Debian GNU/Linux, with Linux 6.1.0-new", entry.Title);
        Assert.Equal("root=/dev/vda2 ro single", entry.Args);
        Assert.Equal(_newKernel, await File.ReadAllBytesAsync(entry.KernelPath));
        Assert.Equal(_newInitrd, await File.ReadAllBytesAsync(entry.InitrdPath!));
    }

    [Fact]
    public async Task NoMenu_DebianSymlinks_AreFollowed()
    {
        string root = await BootDisk.Ext4Async(
            _dir.Path,
            "root",
            new Dictionary<string, object> { ["boot/vmlinuz-6.1.0-new"] = _newKernel, ["boot/initrd.img-6.1.0-new"] = _newInitrd },
            new Dictionary<string, string> { ["vmlinuz"] = "boot/vmlinuz-6.1.0-new", ["initrd.img"] = "/boot/initrd.img-6.1.0-new" });
        string disk = await BootDisk.PartitionedAsync(_dir.Path, "disk", "dos", new Part(16, "83", root));

        GuestBootEntry entry = await FindAsync(disk, "raw", null);

        Assert.Equal(1, entry.FromPartition);
        Assert.Equal("", entry.Args);
        Assert.Equal(_newKernel, await File.ReadAllBytesAsync(entry.KernelPath));
        Assert.Equal(_newInitrd, await File.ReadAllBytesAsync(entry.InitrdPath!));
    }

    [Fact]
    public async Task MenuNamingAMissingKernel_SaysWhichFileAndWhere()
    {
        string root = await BootDisk.Ext4Async(_dir.Path, "root", new Dictionary<string, object>
        {
            ["boot/grub/grub.cfg"] = "menuentry 'Gone' {\n linux /boot/vmlinuz-gone ro\n}\n",
        });

        Result<GuestBootEntry> found = await new GuestBootLoader().FindAsync(root, "raw", _dir.Combine("out"), null, CancellationToken.None);

        Assert.False(found.IsOk);
        Assert.Contains("/boot/grub/grub.cfg: entry 'Gone' names /boot/vmlinuz-gone", found.Error.Message, StringComparison.Ordinal);
        Assert.Contains(root, found.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingBootable_ListsThePartitionsTried()
    {
        string root = await BootDisk.Ext4Async(_dir.Path, "root", new Dictionary<string, object> { ["etc/hostname"] = "guest\n" });
        string swap = await BootDisk.SwapAsync(_dir.Path, "swap", 4);
        string disk = await BootDisk.ToQcow2Async(await BootDisk.PartitionedAsync(
            _dir.Path, "disk", "dos", new Part(16, "83", root), new Part(4, "82", swap)));

        Result<GuestBootEntry> found = await new GuestBootLoader().FindAsync(disk, null, _dir.Combine("out"), null, CancellationToken.None);

        Assert.Equal(ErrorCode.NotFound, found.Error?.Code);
        Assert.Equal(
            $"disk {disk}: no ext2/3/4 filesystem with a GRUB menu or /boot/vmlinuz found (partitions tried: 1 (ext4), 2 (swap)); give kernel= and ramdisk= in the config instead",
            found.Error!.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Combine("out")));
    }

    [Fact]
    public async Task XfsPartition_IsNamedAsUnsupported()
    {
        // mkfs.xfs is not needed: the superblock magic is all the probe reads.
        string xfs = _dir.File("root.xfs");
        await File.WriteAllBytesAsync(xfs, [(byte)'X', (byte)'F', (byte)'S', (byte)'B', .. new byte[BootDisk.MiB - 4]]);
        string disk = await BootDisk.PartitionedAsync(_dir.Path, "disk", "dos", new Part(8, "83", xfs, Bootable: true));

        Result<GuestBootEntry> found = await new GuestBootLoader().FindAsync(disk, "raw", _dir.Combine("out"), null, CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, found.Error?.Code);
        Assert.Contains("partition 1 holds xfs", found.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("kernel= and ramdisk=", found.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingDisk_IsNotFound()
    {
        Result<GuestBootEntry> found = await new GuestBootLoader().FindAsync(_dir.File("nope.qcow2"), null, _dir.Combine("out"), null, CancellationToken.None);

        Assert.Equal(ErrorCode.NotFound, found.Error?.Code);
    }

    // #4: the guest writes everything pygrub reads. A sparse "grub.cfg" or "kernel" takes no room in its disk but would
    // stream gigabytes into hospesd's memory or the state dir; each is refused by its size before it is read.
    [Fact]
    public async Task SparseMenuOfGigabytes_IsRefusedBeforeItIsRead()
    {
        string root = await BootDisk.Ext4Async(
            _dir.Path, "root", new Dictionary<string, object>(), sparse: new Dictionary<string, long> { ["boot/grub/grub.cfg"] = 4L << 30 });

        Result<GuestBootEntry> found = await new GuestBootLoader().FindAsync(root, "raw", _dir.Combine("out"), null, CancellationToken.None);

        Assert.False(found.IsOk);
        Assert.Contains($"/boot/grub/grub.cfg in {root} is {4L << 30} bytes; a boot menu may be at most 1 MiB", found.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SparseKernelOfGigabytes_IsRefusedBeforeItIsCopiedOut()
    {
        string root = await BootDisk.Ext4Async(
            _dir.Path,
            "root",
            new Dictionary<string, object> { ["boot/grub/grub.cfg"] = "menuentry 'Big' {\n linux /boot/vmlinuz-big ro\n}\n" },
            sparse: new Dictionary<string, long> { ["boot/vmlinuz-big"] = 4L << 30 });

        Result<GuestBootEntry> found = await new GuestBootLoader().FindAsync(root, "raw", _dir.Combine("out"), null, CancellationToken.None);

        Assert.False(found.IsOk);
        Assert.Contains($"/boot/vmlinuz-big in {root} is {4L << 30} bytes, more than the 512 MiB", found.Error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("out", GuestBootLoader.KernelFileName)));
    }

    [Fact]
    public async Task InitrdsAddingUpPastTheTotal_AreRefused()
    {
        string root = await BootDisk.Ext4Async(
            _dir.Path,
            "root",
            new Dictionary<string, object>
            {
                ["boot/grub/grub.cfg"] = "menuentry 'Many' {\n linux /boot/vmlinuz ro\n initrd /boot/i /boot/i /boot/i\n}\n",
                ["boot/vmlinuz"] = _newKernel,
                ["boot/i"] = BootDisk.Bytes(100_000, 4),
            });
        var loader = new GuestBootLoader { Limits = new BootLimits { TotalBytes = _newKernel.Length + 250_000 } };

        Result<GuestBootEntry> found = await loader.FindAsync(root, "raw", _dir.Combine("out"), null, CancellationToken.None);

        Assert.False(found.IsOk);
        Assert.Contains("/boot/i in", found.Error.Message, StringComparison.Ordinal);
        Assert.Contains("is 100000 bytes, more than the 50000 bytes", found.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchPastItsTimeLimit_IsATimeoutAndLeavesNoKernel()
    {
        string disk = await DebianRootAsync("disk");
        var loader = new GuestBootLoader { Limits = new BootLimits { Time = TimeSpan.FromMilliseconds(1) } };

        Result<GuestBootEntry> found = await loader.FindAsync(disk, "raw", _dir.Combine("out"), null, CancellationToken.None);

        Assert.Equal(ErrorCode.Timeout, found.Error?.Code);
        Assert.Contains("finding the kernel took longer than", found.Error!.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("out", GuestBootLoader.KernelFileName)));
    }

    public void Dispose() => _dir.Dispose();

    private async Task<string> DebianRootAsync(string name) =>
        await BootDisk.Ext4Async(
            _dir.Path,
            name,
            new Dictionary<string, object>
            {
                ["boot/grub/grub.cfg"] = DebianGrubCfg,
                ["boot/vmlinuz-6.1.0-old"] = _oldKernel,
                ["boot/initrd.img-6.1.0-old"] = "old initrd",
                ["boot/vmlinuz-6.1.0-new"] = _newKernel,
                ["boot/initrd.img-6.1.0-new"] = _newInitrd,
            });

    private async Task<GuestBootEntry> FindAsync(string disk, string? format, string? hint, bool preferFuse = true)
    {
        var loader = new GuestBootLoader { PreferFuse = preferFuse };
        Result<GuestBootEntry> found = await loader.FindAsync(disk, format, _dir.Combine("out"), hint, CancellationToken.None);
        Assert.True(found.IsOk, found.Error?.Message);
        return found.Value;
    }
}
