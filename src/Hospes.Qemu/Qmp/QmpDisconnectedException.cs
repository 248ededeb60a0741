namespace Hospes.Qemu.Qmp;

/// <summary>The QMP socket closed: QEMU has exited (or is exiting).</summary>
public sealed class QmpDisconnectedException : Exception
{
    public QmpDisconnectedException(string message)
        : base(message)
    {
    }

    public QmpDisconnectedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
