using Hospes.Storage.CloudInit;
using Hospes.Storage.Tests.Debian.Support;
using Hospes.Storage.Tests.Tiny.Support;
using Xunit.Abstractions;

namespace Hospes.Storage.Tests.Debian;

/// <summary>Boots the real image under TCG (q35, direct kernel boot) with a NoCloud seed, and logs in over ssh with the seed's key.</summary>
[Collection(DebianImageGroup.Name)]
[Trait("Category", "Slow")]
public sealed class DebianBootTests : IDisposable
{
    /// <summary>systemd under TCG on a busy 2-core host: typically well under a minute; generous for load.</summary>
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(8);

    private readonly DebianImageFixture _image;
    private readonly ITestOutputHelper _output;
    private readonly TempDir _dir = new();

    public DebianBootTests(DebianImageFixture image, ITestOutputHelper output)
    {
        _image = image;
        _output = output;
    }

    [Fact]
    public async Task Boot_WithSeed_ShowsSeedHostnameAtLoginPromptAndAcceptsSeedKeyOverSsh()
    {
        string key = _dir.File("id_ed25519");
        await Tool.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hospes-test", "-f", key);
        string seed = _dir.File("seed.img");
        var identity = new NoCloudIdentity
        {
            InstanceId = "i-" + Guid.NewGuid().ToString("N")[..12],
            Hostname = "myhost",
            SshAuthorizedKeys = [(await File.ReadAllTextAsync(key + ".pub")).Trim()],
        };
        var written = await NoCloudSeed.WriteAsync(identity, seed, CancellationToken.None);
        Assert.True(written.IsOk, written.Error?.Message);

        await using DebianVm vm = DebianVm.Start(_image.Image, seed);
        TimeSpan login = await vm.WaitForAsync($"myhost {_image.Image.Manifest.LoginPrompt}", BootTimeout);
        _output.WriteLine($"login prompt after {login.TotalSeconds:F1} s");

        string remote = await SshAsync(vm, key, "hostname; cat /var/lib/hospes-nocloud/instance-id; ip -4 -o addr show scope global");
        _output.WriteLine($"ssh answered after {vm.Uptime.TotalSeconds:F1} s:\n{remote}");
        string[] lines = remote.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("myhost", lines[0]);
        Assert.Equal(identity.InstanceId, lines[1]);
        Assert.Contains("inet 10.0.2.15/24", remote, StringComparison.Ordinal);

        // What a fork of this guest needs (issue 16): qemu-guest-agent running on its port, and hospes-postfork, which
        // gives it a new name and a fresh DHCP lease (user-mode networking's server gives the same address again).
        Assert.Equal("active", (await SshAsync(vm, key, "systemctl is-active qemu-guest-agent")).Trim());
        // Detached: it drops the address this ssh session runs over until the new lease comes.
        await SshAsync(vm, key, "systemd-run --unit=postfork sh -c 'hospes-postfork fork-7 > /run/postfork.out 2>&1; echo $? > /run/postfork.rc'");
        string forked = await SshAsync(vm, key,
            "for i in $(seq 600); do [ -s /run/postfork.rc ] && break; sleep 0.1; done; cat /run/postfork.rc; hostname; grep '^127.0.1.1' /etc/hosts; ip -4 -o addr show scope global; cat /run/postfork.out");
        _output.WriteLine(forked);
        string[] after = forked.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["0", "fork-7", "127.0.1.1\tfork-7"], after[..3]);
        Assert.Contains("inet 10.0.2.15/24", forked, StringComparison.Ordinal);

        // For whoever tunes boot time: where the guest's seconds went, and what the console showed.
        _output.WriteLine(await SshAsync(vm, key, "systemd-analyze; systemd-analyze blame | head -n 12; systemctl --failed --no-legend"));
        _output.WriteLine(vm.Console);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>sshd comes up shortly after the login prompt (its host keys are made at first boot); retry until it answers.</summary>
    private static async Task<string> SshAsync(DebianVm vm, string key, string command)
    {
        string[] args =
        [
            "-q", "-i", key, "-p", vm.SshPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=20",
            "root@127.0.0.1", command,
        ];
        DateTime until = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            (int exit, string stdout, string stderr) = await DebianVm.RunHostToolAsync("ssh", args);
            if (exit == 0)
            {
                return stdout;
            }

            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"ssh root@guest failed for 3 minutes: exit {exit}: {stderr}\nConsole:\n{vm.Console}");
            }

            await Task.Delay(TimeSpan.FromSeconds(3));
        }
    }
}
