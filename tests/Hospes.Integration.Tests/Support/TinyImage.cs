namespace Hospes.Integration.Tests.Support;

/// <summary>
/// The tiny guest, built once per test run with `hospes image build tiny` (the real command) and copied into
/// each test's state dir. Test classes run two at a time, each with its own fixture instance: they share one
/// build, which stays in a folder of its own until the test process ends.
/// </summary>
public sealed class TinyImage : IAsyncLifetime
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Built? _shared;
    private Built? _built;

    public string ImagesDir => _built!.ImagesDir;

    public CliResult? FirstBuild => _built?.First;

    public CliResult? SecondBuild => _built?.Second;

    public async Task InitializeAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _built = _shared ??= await BuildAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    public void CopyInto(string imagesDir) => Copy(ImagesDir, imagesDir);

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<Built> BuildAsync()
    {
        string keep = Directory.CreateTempSubdirectory("hit-tiny-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(keep, recursive: true);
        await using Daemon builder = await Daemon.StartAsync(image: null);
        CliResult first = (await builder.CliAsync("image", "build", "tiny")).Ok();
        CliResult second = (await builder.CliAsync("image", "build", "tiny")).Ok();
        Copy(Path.Combine(builder.StateDir, "images"), keep);
        return new Built(keep, first, second);
    }

    private static void Copy(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private sealed record Built(string ImagesDir, CliResult First, CliResult Second);
}
