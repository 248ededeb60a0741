namespace Hospes.Storage.Tests.Tiny.Support;

internal static class TestPaths
{
    /// <summary>Shared across runs (and with other Hospes tests) so the kernel package is downloaded once.</summary>
    public static string DebCache =>
        Environment.GetEnvironmentVariable("HOSPES_DEB_CACHE") is { Length: > 0 } dir ? dir : "/var/cache/hospes/debs";
}
