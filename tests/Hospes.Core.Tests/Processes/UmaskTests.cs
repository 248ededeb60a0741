using Hospes.Core.Processes;

namespace Hospes.Core.Tests.Processes;

public class UmaskTests
{
    [Fact]
    public void Restrict_MakesWhatIsCreatedTheOwnersAlone_ThenPutsTheMaskBack()
    {
        using var dir = new TempDir();
        uint before = Umask.Current();
        using (Umask.Restrict(Umask.OwnerOnly))
        {
            Assert.Equal(Umask.OwnerOnly, Umask.Current());
            File.WriteAllText(dir.File("f"), "x");
            Directory.CreateDirectory(dir.File("d"));
        }

        Assert.Equal(before, Umask.Current());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.File("f")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir.File("d")));
    }
}
