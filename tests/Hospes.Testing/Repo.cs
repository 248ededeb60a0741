namespace Hospes.Testing;

/// <summary>The checkout and the binaries ./setup.sh built: tests and benchmarks drive the real CLI and daemon.</summary>
public static class Repo
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The checkout the running test or benchmark was built in (the folder holding Hospes.slnx).</summary>
    public static string Root => LazyRoot.Value;

    public static string Hospes => Binary("hospes");

    public static string Hospesd => Binary("hospesd");

    public static string Examples => Path.Combine(Root, "examples");

    private static string Binary(string name)
    {
        string path = Path.Combine(Root, "out", name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run ./setup.sh first (./test.sh does) to publish out/hospes and out/hospesd");
    }

    /// <summary>From the binary's folder up (tests and benchmarks are built inside the checkout), else from the current folder up.</summary>
    private static string FindRoot()
    {
        foreach (string start in (string[])[AppContext.BaseDirectory, Environment.CurrentDirectory])
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Hospes.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"cannot find the Hospes checkout (Hospes.slnx) above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}: run from inside it");
    }
}
