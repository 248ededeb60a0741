using System.Text.Json;
using Hospes.Core.Json;

namespace Hospes.Host.Vms.Forks;

/// <summary>
/// A fork under way, in the parent's folder (<see cref="Settings.VmLayout.ForkJournal"/>): the fork's folder (RAM file and
/// state) and the children defined for it. Written before the first child row lands and removed when every child runs or
/// is gone; a hospesd killed in between finds it at start and settles the fork (<see cref="ForkService.SettleAsync"/>):
/// children that do not run go, the parent runs.
/// </summary>
internal sealed record ForkJournal
{
    public required string ForkDir { get; init; }

    public required IReadOnlyList<Guid> Children { get; init; }

    /// <summary>The writable disks split at the fork point (<see cref="ForkDisks"/>); a kill before their rows landed undoes them.</summary>
    public IReadOnlyList<ForkDisk> Disks { get; init; } = [];

    /// <summary>The parent stays (or already was) frozen at the fork point: a restart leaves it saved there.</summary>
    public bool Frozen { get; init; }

    /// <summary>Whole or not at all: a kill leaves the old file or none.</summary>
    public void Write(string path)
    {
        string partial = path + ".partial";
        using (var file = new FileStream(partial, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            JsonSerializer.Serialize(file, this, HospesJson.Options);
        }

        File.Move(partial, path, overwrite: true);
    }

    /// <summary>The journal at <paramref name="path"/>; null when there is none or it cannot be read.</summary>
    public static ForkJournal? Read(string path)
    {
        try
        {
            using FileStream file = File.OpenRead(path);
            return JsonSerializer.Deserialize<ForkJournal>(file, HospesJson.Options);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
