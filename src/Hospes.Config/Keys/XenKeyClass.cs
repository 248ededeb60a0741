namespace Hospes.Config.Keys;

/// <summary>What a key of xl.cfg(5) or xmdomain.cfg(5) becomes under QEMU.</summary>
internal enum XenKeyClass
{
    /// <summary>Read and mapped to the VM (a QEMU argument, the kernel command line, a host setting).</summary>
    Honoured,

    /// <summary>Means nothing under QEMU (Xen's own machinery): accepted silently, one note with --verbose.</summary>
    Meaningless,

    /// <summary>Cannot be given here: one warning saying what the guest will lack (none when the value turns it off).</summary>
    Impossible,
}
