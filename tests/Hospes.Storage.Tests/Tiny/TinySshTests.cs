using Hospes.Storage.Tests.Tiny.Support;
using Hospes.Storage.Tiny;
using Xunit.Abstractions;

namespace Hospes.Storage.Tests.Tiny;

/// <summary>Real dropbear in the real image under QEMU (TCG), reached with the host's OpenSSH client through a loopback port forward.</summary>
[Collection(TinyImageGroup.Name)]
public sealed class TinySshTests : IDisposable
{
    private static readonly TimeSpan Reachable = TimeSpan.FromSeconds(60);

    private readonly TinyImageFixture _image;
    private readonly ITestOutputHelper _output;
    private readonly TempDir _dir = new();

    public TinySshTests(TinyImageFixture image, ITestOutputHelper output)
    {
        _image = image;
        _output = output;
    }

    [Fact]
    public async Task Ssh_WithKeysOnCommandLine_EachKeyRunsCommandsAsRootAndOtherKeysAreRefused()
    {
        SshKey first = await SshKey.CreateAsync(_dir.Path, "first");
        SshKey second = await SshKey.CreateAsync(_dir.Path, "second");
        SshKey stranger = await SshKey.CreateAsync(_dir.Path, "stranger");
        int port = SshClient.FreeLoopbackPort();
        await using QemuGuest guest = QemuGuest.Start(
            _image.Built, TinyMachine.Microvm, _dir.Path, cmdline: $"{TinyGuest.NameParameter}=web7 {Argument(first)} {Argument(second)}", nic: true, sshHostPort: port);
        TimeSpan ready = await guest.WaitForAsync(TinyGuest.ReadyMarker);
        TimeSpan reachable = await new SshClient(port, first).WaitUntilReachableAsync(Reachable);
        _output.WriteLine($"ready after {ready.TotalSeconds:F2} s, ssh works {reachable.TotalSeconds:F2} s later");

        SshResult hostname = await new SshClient(port, first).RunAsync("hostname");
        SshResult uname = await new SshClient(port, second).RunAsync("uname -a; hostname; id -u");
        SshResult refused = await new SshClient(port, stranger).RunAsync("hostname");

        Assert.Equal((0, "web7\n"), (hostname.ExitCode, hostname.Stdout));
        Assert.Equal(0, uname.ExitCode);
        string[] lines = uname.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"Linux web7 {_image.Image.KernelVersion} ", lines[0], StringComparison.Ordinal);
        Assert.Equal(["web7", "0"], lines[1..]);
        Assert.Equal(255, refused.ExitCode);
        Assert.Contains("Permission denied", refused.Stderr, StringComparison.Ordinal);
        // SSH login shells read /etc/profile too; the marker stays the console's, once.
        Assert.Single(guest.Console.Split(TinyGuest.ReadyMarker)[1..]);
    }

    [Fact]
    public async Task Ssh_InteractiveSession_GetsPtyAndLoginShellWithNetworkTools()
    {
        SshKey key = await SshKey.CreateAsync(_dir.Path, "key");
        int port = SshClient.FreeLoopbackPort();
        await using QemuGuest guest = QemuGuest.Start(
            _image.Built, TinyMachine.Microvm, _dir.Path, cmdline: $"{TinyGuest.NameParameter}=shell1 {Argument(key)}", nic: true, sshHostPort: port);
        await guest.WaitForAsync(TinyGuest.ReadyMarker);
        var ssh = new SshClient(port, key);
        await ssh.WaitUntilReachableAsync(Reachable);

        SshResult session = await ssh.RunAsync(null, stdin: "echo \"PATH=$PATH\"; tty; cd; pwd; exit\n", tty: true);
        // ping needs root (raw sockets); nc must listen; wget fetches from busybox httpd; ip shows the lease.
        SshResult tools = await ssh.RunAsync(
            "ping -c 1 -W 5 10.0.2.2 > /dev/null && echo ping-ok; "
            + "(nc -l -p 7000 > /tmp/got &) ; usleep 300000; echo over-nc | nc 127.0.0.1 7000; usleep 300000; cat /tmp/got; "
            + "httpd -p 127.0.0.1:8000 -h /etc && wget -q -O - http://127.0.0.1:8000/hosts; "
            + "ip -4 -o addr show eth0");

        Assert.Equal(0, session.ExitCode);
        Assert.Contains("shell1:~#", session.Stdout, StringComparison.Ordinal);
        Assert.Contains("PATH=/sbin:/bin:/usr/sbin:/usr/bin\n", session.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n/dev/pts/\d+\n", session.Stdout);
        Assert.Contains("\n/root\n", session.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, tools.ExitCode);
        Assert.Equal(["ping-ok", "over-nc", "127.0.0.1 localhost"], tools.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[..3]);
        Assert.Contains("inet 10.0.2.15/24", tools.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private static string Argument(SshKey key)
    {
        var argument = TinyGuest.SshKeyArgument(key.PublicKeyLine);
        Assert.True(argument.IsOk, argument.Error?.Message);
        return argument.Value;
    }
}
