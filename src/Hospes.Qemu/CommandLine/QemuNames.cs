namespace Hospes.Qemu.CommandLine;

/// <summary>The names QEMU's devices and block nodes get (as libvirt's qemu_alias.c): the command line and QMP callers agree through here.</summary>
public static class QemuNames
{
    /// <summary>The block node of the VM's disk at <paramref name="index"/> in its spec.</summary>
    public static string DiskNode(int index) => $"drive{index}";
}
