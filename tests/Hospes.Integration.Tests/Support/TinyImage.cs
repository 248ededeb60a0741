namespace Hospes.Integration.Tests.Support;

/// <summary>
/// The tiny guest, built once per test run with `hospes image build tiny` (the real command) and
/// copied into each test's state dir.
/// </summary>
public sealed class TinyImage : IAsyncLifetime
{
    private Daemon? _builder;

    public string ImagesDir => Path.Combine(_builder!.StateDir, "images");

    public CliResult? FirstBuild { get; private set; }

    public CliResult? SecondBuild { get; private set; }

    public async Task InitializeAsync()
    {
        _builder = await Daemon.StartAsync(image: null);
        FirstBuild = (await _builder.CliAsync("image", "build", "tiny")).Ok();
        SecondBuild = (await _builder.CliAsync("image", "build", "tiny")).Ok();
    }

    public void CopyInto(string imagesDir)
    {
        foreach (string file in Directory.EnumerateFiles(ImagesDir, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(imagesDir, Path.GetRelativePath(ImagesDir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    public async Task DisposeAsync()
    {
        if (_builder is not null)
        {
            await _builder.DisposeAsync();
        }
    }
}
