using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Hostile;

/// <summary>
/// Issue 13, cluster B (#5, #22): another user of the host reads nothing of a guest, while the guest's dnsmasq, which
/// drops to nobody, still serves it. hospesd and its guest run in a network namespace the test made.
/// </summary>
public sealed class BTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode RootsFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private NetNs _ns = null!;
    private Daemon _d = null!;

    public async Task InitializeAsync()
    {
        _ns = await NetNs.CreateAsync();
        _d = await Daemon.StartAsync(image, _ns);
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        await _ns.DisposeAsync();
    }

    [Fact]
    public async Task AnotherUser_ReadsNoFileOfTheStateDirNorTheSaveFile_WhileDhcpStillServesTheGuest()
    {
        await _d.JsonAsync<NetworkInfo>("network", "create", "lab0", "--subnet", "10.165.1.0/24");
        await Guest.CreateAsync(_d, "web", "vif = [ 'ip=10.165.1.10,bridge=lab0' ]");

        // dnsmasq (as nobody) read the guest's reservation from the run dir, though the state dir is root's alone.
        Assert.Equal("10.165.1.10", await GuestShell.RunAsync(
            _d, "web", "for i in $(seq 1 100); do ip -4 addr show eth0 | grep -q 'inet ' && break; sleep 0.2; done; ip -4 addr show eth0 | grep -o 'inet [0-9.]*' | cut -d' ' -f2"));
        await GuestShell.RunAsync(_d, "web", "echo the-root-password-typed-here");

        string vmDir = Assert.Single(Directory.GetDirectories(Path.Combine(_d.StateDir, "vms")));
        string console = Path.Combine(vmDir, "console.log");
        Assert.True(File.Exists(console), $"no console log at {console}");
        foreach (string folder in new[] { _d.StateDir, Path.Combine(_d.StateDir, "vms"), Path.Combine(_d.StateDir, "images"), Path.Combine(_d.StateDir, "networks") })
        {
            Assert.Equal((folder, Private), (folder, File.GetUnixFileMode(folder)));
        }

        Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(_d.StateDir, "networks", "lab0")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(_d.Socket));

        string save = Path.Combine(_d.Dir, "web.save");
        (await _d.CliAsync("save", "web", save)).Ok();
        Assert.Equal(RootsFile, File.GetUnixFileMode(save));

        foreach (string secret in Directory.GetFiles(_d.StateDir, "*", SearchOption.AllDirectories).Append(save))
        {
            CliResult asNobody = await Run.ProcessAsync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "cat", secret]);
            Assert.True(asNobody.ExitCode != 0, $"user nobody read {secret}");
            Assert.Contains("Permission denied", asNobody.Stderr, StringComparison.Ordinal);
        }

        (await _d.CliAsync("restore", save)).Ok();
        Assert.Equal(VmState.Running, (await _d.InfoAsync("web")).State);
        Assert.Contains("10.165.1.10", await File.ReadAllTextAsync(Path.Combine(_d.Dir, "dnsmasq", "lab0", "dhcp-hosts")), StringComparison.Ordinal);
    }
}
