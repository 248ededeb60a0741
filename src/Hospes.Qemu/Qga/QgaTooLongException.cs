namespace Hospes.Qemu.Qga;

/// <summary>The guest sent more than a reply may hold without a newline (or a sync delimiter).</summary>
internal sealed class QgaTooLongException : Exception
{
    public QgaTooLongException()
        : base("the guest agent's reply is too long")
    {
    }

    public QgaTooLongException(string message)
        : base(message)
    {
    }

    public QgaTooLongException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
