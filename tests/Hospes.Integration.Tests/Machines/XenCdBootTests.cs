using Hospes.Testing;

namespace Hospes.Integration.Tests.Machines;

/// <summary>
/// CD-ROM install media, as xm and xl admins booted them: no kernel key, `boot = "d"`, the firmware starts what is on
/// the disc. The disc is made here with grub-mkrescue (El Torito images for BIOS and for UEFI) and holds the tiny
/// guest's kernel and initrd behind a GRUB menu whose command line carries a marker; the guest boots from it under
/// SeaBIOS (a `disk` line with `:cdrom`) and under OVMF (xm's `cdrom` key).
/// </summary>
public sealed class XenCdBootTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const string Marker = "hospes.from_cd=1";

    private Daemon _d = null!;
    private string _iso = null!;

    public async Task InitializeAsync()
    {
        _d = await Daemon.StartAsync(image);
        _iso = await MakeDiscAsync();
    }

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task SeaBios_BootsTheGuestFromTheCd()
    {
        await CreateAsync("cd-bios", $"disk = [ 'file:{_iso},hdc:cdrom,r' ]");

        Assert.Contains(Marker, await GuestShell.RunAsync(_d, "cd-bios", "cat /proc/cmdline"), StringComparison.Ordinal);
        Assert.Equal("bios", await GuestShell.RunAsync(_d, "cd-bios", "test -d /sys/firmware/efi && echo efi || echo bios"));
    }

    [Fact]
    public async Task Ovmf_BootsTheGuestFromTheCd()
    {
        await CreateAsync("cd-uefi", $"bios = 'ovmf'\ncdrom = '{_iso}'");

        Assert.Contains(Marker, await GuestShell.RunAsync(_d, "cd-uefi", "cat /proc/cmdline"), StringComparison.Ordinal);
        Assert.Equal("efi", await GuestShell.RunAsync(_d, "cd-uefi", "test -d /sys/firmware/efi && echo efi || echo bios"));
    }

    /// <summary>An HVM guest with no kernel key, booting from its CD-ROM drive, up to the tiny guest's ready marker.</summary>
    private async Task CreateAsync(string name, string media)
    {
        string cfg = _d.WriteConfig($"{name}.cfg", $"""
            name = "{name}"
            type = "hvm"
            memory = 256
            vcpus = 1
            {media}
            boot = "d"
            """);
        (await _d.CliAsync("create", cfg)).Ok();
        await _d.WaitForConsoleAsync(name, Guest.Ready);
    }

    private async Task<string> MakeDiscAsync()
    {
        string tiny = Path.Combine(await image.BuildAsync(), "tiny");
        string root = Directory.CreateDirectory(Path.Combine(_d.Dir, "disc", "boot", "grub")).Parent!.Parent!.FullName;
        File.Copy(Path.Combine(tiny, "vmlinuz"), Path.Combine(root, "boot", "vmlinuz"));
        File.Copy(Path.Combine(tiny, "initrd.gz"), Path.Combine(root, "boot", "initrd.gz"));
        await File.WriteAllTextAsync(Path.Combine(root, "boot", "grub", "grub.cfg"), $"""
            set timeout=0
            serial --unit=0 --speed=115200
            terminal_output serial console
            menuentry "tiny from CD" {'{'}
                linux /boot/vmlinuz quiet console=ttyS0 {Marker}
                initrd /boot/initrd.gz
            {'}'}
            """);
        string iso = Path.Combine(_d.Dir, "install.iso");
        await Run.ToolAsync("grub-mkrescue", "-o", iso, root);
        return iso;
    }
}
