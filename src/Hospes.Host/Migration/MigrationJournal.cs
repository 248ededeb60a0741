using System.Text.Json;
using Hospes.Core.Json;

namespace Hospes.Host.Migration;

/// <summary>
/// What a restarted hospesd needs to settle a migration its previous run left in flight, kept in the VM's folder
/// (<see cref="Settings.VmLayout.MigrationJournal"/>): the other host, the migration's id there, and whether the guest
/// ran when it began. The source writes it before the stream starts, the destination before its QEMU starts; each
/// removes it once the migration has an outcome that needs no one after it.
/// </summary>
internal sealed record MigrationJournal
{
    public const string Outgoing = "outgoing";
    public const string Incoming = "incoming";

    /// <summary><see cref="Outgoing"/> (this host is the source) or <see cref="Incoming"/>.</summary>
    public required string Direction { get; init; }

    /// <summary>The other host, by its name here.</summary>
    public required string Peer { get; init; }

    /// <summary>The incoming migration's id on the destination.</summary>
    public required string Id { get; init; }

    /// <summary>The guest ran when the migration began (so it runs again here if the migration does not complete).</summary>
    public bool Running { get; init; }

    public bool IsOutgoing => Direction == Outgoing;

    /// <summary>Writes it whole or not at all (a kill leaves the old file or none), and on the disk before the step it guards.</summary>
    public void Write(string path)
    {
        string partial = path + ".partial";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var file = new FileStream(partial, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            JsonSerializer.Serialize(file, this, HospesJson.Options);
            file.Flush(flushToDisk: true);
        }

        File.Move(partial, path, overwrite: true);
    }

    /// <summary>The journal at <paramref name="path"/>; null when there is none (or it cannot be read: then nothing was in flight past its write).</summary>
    public static MigrationJournal? Read(string path)
    {
        try
        {
            using FileStream file = File.OpenRead(path);
            return JsonSerializer.Deserialize<MigrationJournal>(file, HospesJson.Options) is { Direction: Outgoing or Incoming, Peer.Length: > 0, Id.Length: > 0 } j ? j : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Removes the journal (a missing one, or a folder already gone, is fine).</summary>
    public static void Delete(string path)
    {
        if (Directory.Exists(Path.GetDirectoryName(path)))
        {
            File.Delete(path);
            File.Delete(path + ".partial");
        }
    }
}
