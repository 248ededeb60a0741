namespace Hospes.Storage.Bootloader;

/// <summary>A word of a grub.cfg command: its value after quoting and expansion, and its text as written.</summary>
internal sealed record GrubWord(string Value, string Raw, bool Quoted)
{
    /// <summary>An unquoted variable that expanded to nothing; GRUB drops such words.</summary>
    public bool Vanished => !Quoted && Value.Length == 0;
}
