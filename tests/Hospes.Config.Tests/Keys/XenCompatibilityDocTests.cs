using Hospes.Config.Keys;

namespace Hospes.Config.Tests.Keys;

/// <summary>docs/xen-compatibility.md is the key table rendered: it fails when they drift.</summary>
public sealed class XenCompatibilityDocTests
{
    [Fact]
    public void Doc_IsTheKeyTableRendered()
    {
        string path = Path.Combine(RepoRoot(), "docs", "xen-compatibility.md");
        string expected = XenCompatibilityDoc.Render();
        if (Environment.GetEnvironmentVariable("HOSPES_WRITE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; write it with HOSPES_WRITE_DOCS=1 dotnet test tests/Hospes.Config.Tests --filter XenCompatibilityDocTests");
        Assert.True(
            File.ReadAllText(path) == expected,
            $"{path} is stale: the key table changed; rewrite it with HOSPES_WRITE_DOCS=1 dotnet test tests/Hospes.Config.Tests --filter XenCompatibilityDocTests");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hospes.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"cannot find the Hospes checkout (Hospes.slnx) above {AppContext.BaseDirectory}");
    }
}
