namespace Hospes.Testing;

/// <summary>
/// The tiny guest, built once per process with `hospes image build tiny` (the real command) by a throwaway hospesd
/// and copied into each daemon's state dir (<see cref="DaemonOptions.Image"/>). Every instance shares the one build
/// (xUnit makes one per test class, and classes run two at a time); it is made on first use and stays in a folder of
/// its own until the process ends.
/// </summary>
public sealed class TinyImage
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Built? _shared;
    private Built? _built;

    /// <summary>The built images folder (holds "tiny"); throws before the first <see cref="BuildAsync"/>.</summary>
    public string ImagesDir => (_built ?? throw new InvalidOperationException("the tiny image is not built yet: call BuildAsync first")).ImagesDir;

    /// <summary>What the first `hospes image build tiny` printed; null before the build.</summary>
    public CliResult? FirstBuild => _built?.First;

    /// <summary>What the second, which should find nothing to do, printed; null before the build.</summary>
    public CliResult? SecondBuild => _built?.Second;

    /// <summary>Builds the image unless this process already has; returns the images folder.</summary>
    public async Task<string> BuildAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _built = _shared ??= await BuildOnceAsync();
        }
        finally
        {
            Gate.Release();
        }

        return _built.ImagesDir;
    }

    /// <summary>Copies the images (built first when needed) into <paramref name="imagesDir"/>.</summary>
    public async Task CopyIntoAsync(string imagesDir) => Folders.Copy(await BuildAsync(), imagesDir);

    private static async Task<Built> BuildOnceAsync()
    {
        string keep = Directory.CreateTempSubdirectory("hit-tiny-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(keep, recursive: true);
        await using Daemon builder = await Daemon.StartAsync(image: null);
        CliResult first = (await builder.CliAsync("image", "build", "tiny")).Ok();
        CliResult second = (await builder.CliAsync("image", "build", "tiny")).Ok();
        Folders.Copy(Path.Combine(builder.StateDir, "images"), keep);
        return new Built(keep, first, second);
    }

    private sealed record Built(string ImagesDir, CliResult First, CliResult Second);
}
