namespace Hospes.Storage.Bootloader;

/// <summary>One level of the way to a menu entry: its position, title and GRUB 2 <c>--id</c> at that level.</summary>
internal sealed record MenuStep(int Position, string Title, string? MenuId = null)
{
    public bool Matches(string reference) =>
        reference == Position.ToString(System.Globalization.CultureInfo.InvariantCulture) || reference == Title || reference == MenuId;
}
