using Hospes.Storage.Debian;

namespace Hospes.Storage.Tests.Debian;

public sealed class AptSourcesTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void MirrorFor_Deb822SourcesLikeThisHost_TakesTheReleaseSuiteNotBackportsOrSecurity()
    {
        Write("sources.list.d/backports.sources", "Types: deb\nURIs: http://backports.example/debian\nSuites: bookworm-backports\nComponents: main\n");
        Write("sources.list.d/debian.sources", """
            Types: deb
            # http://snapshot.debian.org/archive/debian/20250520T000000Z
            URIs: http://mirror.example/debian/
            Suites: bookworm bookworm-updates
            Components: main

            Types: deb
            URIs: http://mirror.example/debian-security
            Suites: bookworm-security
            Components: main

            """);
        Write("sources.list.d/other.list.disabled", "deb http://wrong.example/debian bookworm main\n");

        Assert.Equal("http://mirror.example/debian", AptSources.MirrorFor("bookworm", _dir.Path));
    }

    [Fact]
    public void MirrorFor_OneLineSourcesWithOptions_TakesTheUri()
    {
        Write("sources.list", "# deb http://commented.example/debian bookworm main\ndeb-src http://src.example/debian bookworm main\n"
            + "deb [arch=amd64 signed-by=/k.gpg] http://proxy.example:3142/debian bookworm main contrib\n");

        Assert.Equal("http://proxy.example:3142/debian", AptSources.MirrorFor("bookworm", _dir.Path));
    }

    [Fact]
    public void MirrorFor_DisabledStanzaOrNoSources_FallsBackToDebDebianOrg()
    {
        Write("sources.list.d/d.sources", "Enabled: no\nTypes: deb\nURIs: http://off.example/debian\nSuites: bookworm\n");

        Assert.Equal("http://deb.debian.org/debian", AptSources.MirrorFor("bookworm", _dir.Path));
        Assert.Equal("http://deb.debian.org/debian", AptSources.MirrorFor("trixie", _dir.Combine("missing")));
    }

    public void Dispose() => _dir.Dispose();

    private void Write(string path, string text)
    {
        string full = _dir.Combine(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }
}
