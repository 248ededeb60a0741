namespace Hospes.Config.Reading;

/// <summary>Reads a group of related keys (disks, vifs, cpus...) into the draft spec.</summary>
internal interface IKeyGroup
{
    void Read(ReadContext context);
}
