namespace Hospes.Storage.Tests.Tiny.Support;

/// <summary>The QEMU machine types the tiny guest is booted on, with their virtio-blk device flavour.</summary>
internal enum TinyMachine
{
    Microvm,
    Q35,
}
