using System.Globalization;
using Hospes.Core.Files;
using Hospes.Storage.Debian;

namespace Hospes.Host.Storage;

/// <summary>
/// `&lt;state&gt;/lost+found`: where a start of hospesd puts what it finds in the store and cannot match to a row (a clone cut
/// off by a kill, a disk file whose row is gone). Nothing is deleted: each start moves its finds into a folder of its own,
/// `lost+found/&lt;time&gt;/`, under the path they had in the state dir, and `hospes disk check` lists them.
/// </summary>
internal sealed class LostAndFound(StoreLayout layout, TimeProvider time)
{
    private string? _thisRun;

    public string Dir => Path.Combine(layout.Options.StateDir, "lost+found");

    /// <summary>The folder this start moved things into; null while it moved nothing.</summary>
    public string? ThisRun => _thisRun;

    /// <summary>
    /// Moves <paramref name="path"/> (a file or folder under the state dir) into this start's folder. Anything mounted
    /// in it is unmounted first; if something stays mounted, nothing is moved and the reason comes back.
    /// </summary>
    public async Task<(string? MovedTo, string? Problem)> KeepAsync(string path)
    {
        if (await MountCleanup.UnmountUnderAsync(path).ConfigureAwait(false) is { } stuck)
        {
            return (null, stuck.Message);
        }

        _thisRun ??= NewRunFolder();
        string relative = Path.GetRelativePath(layout.Options.StateDir, path);
        string target = Path.Combine(_thisRun, relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFileName(path) : relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (Directory.Exists(path))
        {
            DurableFiles.MoveDirectory(path, target);
        }
        else
        {
            DurableFiles.MoveFile(path, target);
        }

        return (target, null);
    }

    /// <summary>The folders of earlier starts that still hold something, oldest first.</summary>
    public IReadOnlyList<string> EarlierRuns() =>
        [.. StoreFiles.Dirs(Dir).Where(d => d != _thisRun && Directory.EnumerateFileSystemEntries(d).Any()).Order(StringComparer.Ordinal)];

    private string NewRunFolder()
    {
        string stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string dir = Path.Combine(Dir, stamp);
        for (int i = 2; Directory.Exists(dir); i++)
        {
            dir = Path.Combine(Dir, $"{stamp}-{i}");
        }

        Directory.CreateDirectory(dir);
        return dir;
    }
}
