namespace Hospes.Storage.Tiny.Modules;

/// <summary>A module going into the initramfs: where it is in the unpacked kernel package and what it says of itself.</summary>
internal sealed record SelectedModule(string SourcePath, ModInfo Info)
{
    public string Name => Info.Name;
}
