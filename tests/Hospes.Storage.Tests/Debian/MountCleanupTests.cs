using Hospes.Storage.Debian;
using Hospes.Storage.Tests.Tiny.Support;

namespace Hospes.Storage.Tests.Debian;

public sealed class MountCleanupTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void MountsUnder_ListsOnlyPointsInsideTheDirectoryDeepestFirst()
    {
        string info = _dir.File("mountinfo");
        File.WriteAllText(info, """
            22 1 0:21 / /proc rw,nosuid shared:5 - proc proc rw
            90 60 0:5 / /w/.debian.build-x/root/proc rw - proc proc rw
            91 90 0:6 / /w/.debian.build-x/root/proc/sys/fs/binfmt_misc rw - binfmt_misc b rw
            92 60 0:7 / /w/.debian.build-x/root/with\040space rw - tmpfs t rw
            93 60 0:8 / /w/.debian.build-xy rw - tmpfs t rw

            """);

        Assert.Equal(
            ["/w/.debian.build-x/root/proc/sys/fs/binfmt_misc", "/w/.debian.build-x/root/with space", "/w/.debian.build-x/root/proc"],
            MountCleanup.MountsUnder("/w/.debian.build-x/", info));
    }

    [Fact]
    public async Task DeleteAsync_WithProcMountedInside_UnmountsThenDeletes()
    {
        // What a killed debootstrap leaves behind. Needs root, as the builder does.
        string work = _dir.Combine(".debian.build-test");
        string proc = Path.Combine(work, "root", "proc");
        Directory.CreateDirectory(proc);
        await Tool.RunAsync("mount", "-t", "proc", "proc", proc);
        Assert.Single(MountCleanup.MountsUnder(work));

        Assert.Null(await MountCleanup.DeleteAsync(work));

        Assert.False(Directory.Exists(work));
        Assert.True(File.Exists("/proc/self/status"));
    }

    public void Dispose() => _dir.Dispose();
}
