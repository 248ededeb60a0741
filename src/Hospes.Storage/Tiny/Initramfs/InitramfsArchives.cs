namespace Hospes.Storage.Tiny.Initramfs;

/// <summary>The initrd's two archives: most files gzip'd, the big binaries stored (the kernel unpacks one after the other).</summary>
internal sealed record InitramfsArchives(InitramfsLayout Compressed, InitramfsLayout Stored)
{
    public IEnumerable<CpioEntry> Entries => Compressed.Entries.Concat(Stored.Entries);
}
