using Hospes.Storage.Debian;
using Hospes.Storage.Tests.Tiny.Support;

namespace Hospes.Storage.Tests.Debian.Support;

/// <summary>One real Debian image, built once into a temporary state dir; debootstrap's cache is shared across runs.</summary>
public sealed class DebianImageFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>Shared across runs so debootstrap downloads each package once.</summary>
    internal static string Cache =>
        Environment.GetEnvironmentVariable("HOSPES_DEBOOTSTRAP_CACHE") is { Length: > 0 } dir ? dir : DebianGuest.DefaultCacheDir;

    internal DebianImageOptions Options => new() { ImageDir = _dir.Combine("images", "debian"), CacheDir = Cache };

    internal DebianImageBuildResult Image { get; private set; } = null!;

    internal List<string> Progress { get; } = [];

    internal string StateDir => _dir.Path;

    public async Task InitializeAsync()
    {
        var built = await new DebianImageBuilder(Options).BuildAsync(new SynchronousProgress(Progress.Add), CancellationToken.None);
        Assert.True(built.IsOk, built.Error?.Message);
        Image = built.Value;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _dir.Dispose();
}
