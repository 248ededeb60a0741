using Hospes.Testing;

namespace Hospes.Integration.Tests.Storage;

public sealed class PygrubTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task Pygrub_BootsTheKernelNamedByTheGrubMenuInsideTheDisk()
    {
        string tiny = Path.Combine(_d.StateDir, "images", "tiny");
        string content = Path.Combine(_d.Dir, "bootfs");
        Directory.CreateDirectory(Path.Combine(content, "boot", "grub"));
        File.Copy(Path.Combine(tiny, "vmlinuz"), Path.Combine(content, "boot", "vmlinuz-6.1.0-tiny"));
        File.Copy(Path.Combine(tiny, "initrd.gz"), Path.Combine(content, "boot", "initrd.img-6.1.0-tiny"));
        await File.WriteAllTextAsync(Path.Combine(content, "boot", "grub", "grub.cfg"), """
            set default=1
            menuentry 'Old kernel' {
                linux /boot/vmlinuz-missing ro
            }
            menuentry 'Tiny from the disk' {
                linux /boot/vmlinuz-6.1.0-tiny quiet hospes.name=from-grub
                initrd /boot/initrd.img-6.1.0-tiny
            }
            """);
        string raw = Path.Combine(_d.Dir, "boot.raw");
        await Disks.ToolAsync("truncate", "-s", "96M", raw);
        await Disks.ToolAsync("mkfs.ext4", "-q", "-F", "-d", content, raw);
        string cfg = _d.WriteConfig("pg.cfg", $"""
            name = "pg"
            memory = 192
            bootloader = "/usr/lib/xen-3.0.3-1/bin/pygrub"
            disk = [ 'file:{raw},xvda,w' ]
            extra = "pygrub.extra=yes"
            """);

        (await _d.CliAsync("create", cfg)).Ok();
        await _d.WaitForConsoleAsync("pg", Guest.Ready);

        string cmdline = await GuestShell.RunAsync(_d, "pg", "cat /proc/cmdline");
        Assert.Contains("hospes.name=from-grub", cmdline, StringComparison.Ordinal);
        Assert.Contains("pygrub.extra=yes", cmdline, StringComparison.Ordinal);
        Assert.Equal("from-grub", await GuestShell.RunAsync(_d, "pg", "hostname"));
    }

    [Fact]
    public async Task Pygrub_OnADiskWithoutABootMenu_IsRefusedNamingTheDisk()
    {
        string raw = Path.Combine(_d.Dir, "empty.raw");
        await Disks.ToolAsync("truncate", "-s", "32M", raw);
        await Disks.ToolAsync("mkfs.ext4", "-q", "-F", raw);
        string cfg = _d.WriteConfig("nb.cfg", $"""
            name = "nb"
            bootloader = "pygrub"
            disk = [ 'file:{raw},xvda,w' ]
            """);

        string reason = (await _d.CliAsync("create", cfg)).Fails();

        Assert.Contains(raw, reason, StringComparison.Ordinal);
        Assert.Contains("no ext2/3/4 filesystem with a GRUB menu", reason, StringComparison.Ordinal);
        Assert.Empty(await _d.ListAsync());
        Assert.Empty(_d.Qemus());
    }
}
