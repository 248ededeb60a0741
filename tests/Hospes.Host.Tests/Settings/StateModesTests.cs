using Hospes.Core.Processes;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Tests.Network;

namespace Hospes.Host.Tests.Settings;

/// <summary>#5: what hospesd keeps is root's alone; only dnsmasq's hosts files are where others may pass.</summary>
public class StateModesTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public void Apply_MakesTheStateFoldersForRootAlone_AndTightensThoseAnOlderHospesdMadeOpen()
    {
        using var dir = new TempDir();
        var options = new HostOptions { StateDir = dir.File("state"), RunDir = dir.File("run") };
        Directory.CreateDirectory(options.VmsDir, (UnixFileMode)0b111_101_101); // as hospesd 0.x left it: 0755
        File.WriteAllText(options.DatabasePath, "");
        File.SetUnixFileMode(options.DatabasePath, (UnixFileMode)0b110_100_100);

        using (Umask.Restrict(0))
        {
            StateModes.Apply(options);
        }

        foreach (string folder in new[] { options.StateDir, options.VmsDir, options.ImagesDir, StateModes.Templates(options), StateModes.Disks(options), StateModes.Networks(options) })
        {
            Assert.Equal((folder, Private), (folder, File.GetUnixFileMode(folder)));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.DatabasePath));
        Assert.Equal(StateModes.PassThrough, File.GetUnixFileMode(options.EffectiveRunDir));
    }

    [Fact]
    public void Apply_OnAFreshStateDir_MakesTheDatabaseForRootAlone_BeforeSqliteOpensIt()
    {
        // Found by quickstart.sh: the DB of a first start was 0644 (SQLite made it after Apply).
        using var dir = new TempDir();
        var options = new HostOptions { StateDir = dir.File("state"), RunDir = dir.File("run") };

        using (Umask.Restrict(0))
        {
            StateModes.Apply(options);
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.DatabasePath));
        var db = new StateDb(options.DatabasePath);
        Assert.Empty(db.LoadVms());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.DatabasePath));
    }

    [Fact]
    public void Apply_LeavesARunDirItDidNotMakeAsItIs()
    {
        using var dir = new TempDir();
        var mode = (UnixFileMode)0b111_101_101;
        Directory.CreateDirectory(dir.File("run"), mode);
        File.SetUnixFileMode(dir.File("run"), mode);

        StateModes.Apply(new HostOptions { StateDir = dir.File("state"), RunDir = dir.File("run") });

        Assert.Equal(mode, File.GetUnixFileMode(dir.File("run")));
    }

    [Fact]
    public async Task Networks_KeepTheirFolderInTheStateDir_AndOnlyTheHostsFilesInTheRunDir()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();

        await floor.Networks.CreateAsync(new NetworkDefinition("lab", "10.165.1.0/24", "isolated", null), CancellationToken.None);

        Hospes.Network.Dhcp.DnsmasqSpec spec = floor.Host.Dhcp[floor.NetworkDir("lab")].Spec!;
        Assert.Equal(Path.Combine(floor.RunDir, "dnsmasq", "lab"), spec.HostsDirectory);
        Assert.Equal(Private, File.GetUnixFileMode(floor.Networks.NetworksDir));
        Assert.Equal(StateModes.PassThrough, File.GetUnixFileMode(Path.Combine(floor.RunDir, "dnsmasq")));
    }
}
