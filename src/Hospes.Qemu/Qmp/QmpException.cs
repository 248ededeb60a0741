namespace Hospes.Qemu.Qmp;

/// <summary>QEMU answered a command with an error.</summary>
public sealed class QmpException : Exception
{
    public QmpException(string command, string errorClass, string description)
        : base($"QEMU refused {command}: {description}")
    {
        Command = command;
        ErrorClass = errorClass;
        Description = description;
    }

    public string Command { get; }

    public string ErrorClass { get; }

    public string Description { get; }
}
