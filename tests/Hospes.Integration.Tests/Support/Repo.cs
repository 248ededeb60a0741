namespace Hospes.Integration.Tests.Support;

/// <summary>The checkout and the binaries ./setup.sh built: tests drive the real CLI and daemon.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Hospes => Binary("hospes");

    public static string Hospesd => Binary("hospesd");

    public static string Examples => Path.Combine(Root, "examples");

    private static string Binary(string name)
    {
        string path = Path.Combine(Root, "out", name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run ./setup.sh (./test.sh does) before the integration tests");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hospes.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Hospes.slnx) above " + AppContext.BaseDirectory);
    }
}
