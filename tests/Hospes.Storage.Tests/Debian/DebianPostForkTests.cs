using Hospes.Storage.Debian;
using Hospes.Testing;

namespace Hospes.Storage.Tests.Debian;

/// <summary>
/// A Debian image's hospes-postfork (issue 16): installed by `image build debian` beside qemu-guest-agent, the same contract
/// as the tiny guest's. Run here with the guest's tools replaced by stubs that log what they are asked (hostnamectl,
/// networkctl, ip); the real image boots it in DebianBootTests.
/// </summary>
public sealed class DebianPostForkTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Build_InstallsTheAgentPackage_TheScript_AndAsksDhcpWithTheMac()
    {
        Assert.Contains("qemu-guest-agent", DebianGuest.Packages);
        DebianPostFork.InstallInto(_dir.Path);
        string script = _dir.Combine("usr", "sbin", "hospes-postfork");
        Assert.Equal(DebianPostFork.Script, File.ReadAllText(script));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(script));
        // Forks share their parent's machine-id, from which networkd's default DHCP client id derives: the MAC it is.
        Assert.Contains("[DHCPv4]\nClientIdentifier=mac\n", DebianRootfs.DhcpNetwork, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Script_IsValidPosixShell_AndRefusesABadName()
    {
        DebianPostFork.InstallInto(_dir.Path);
        string script = _dir.Combine("usr", "sbin", "hospes-postfork");
        await Hospes.Storage.Tests.Tiny.Support.Tool.RunAsync("dash", "-n", script);

        foreach (string bad in (string[])["", "-x", "a b", "a;reboot"])
        {
            CliResult r = await Run.ProcessAsync("dash", [script, bad], timeout: TimeSpan.FromSeconds(30));
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("usage: hospes-postfork HOSTNAME", r.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Script_SetsTheName_RewritesHosts_FlushesNeighbours_AndAsksEachNicForANewLease()
    {
        DebianPostFork.InstallInto(_dir.Path);
        string bin = _dir.Combine("bin");
        Directory.CreateDirectory(bin);
        string log = _dir.Combine("calls");
        // ip answers "addr show" with an address (the lease came), everything else is logged.
        Stub(bin, "hostnamectl", log, "");
        Stub(bin, "networkctl", log, "");
        Stub(bin, "ip", log, "case \"$*\" in *'addr show'*) echo '2: x inet 192.0.2.9/24' ;; esac");
        string hosts = _dir.File("hosts");
        await File.WriteAllTextAsync(hosts, "127.0.0.1\tlocalhost\n127.0.1.1\tweb\n");

        CliResult r = await Run.ProcessAsync("dash", [_dir.Combine("usr", "sbin", "hospes-postfork"), "web-2"], timeout: TimeSpan.FromSeconds(30),
            env: new Dictionary<string, string> { ["PATH"] = bin + ":/usr/bin:/bin", ["HOSPES_POSTFORK_HOSTS"] = hosts });

        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}");
        string[] calls = await File.ReadAllLinesAsync(log);
        Assert.Equal("hostnamectl set-hostname web-2", calls[0]);
        Assert.Equal("ip neigh flush all", calls[1]);
        Assert.Equal("ip neigh flush all", calls[^1]);
        // Each NIC of this host (the stubs act on its /sys/class/net) has its address dropped and its DHCP asked afresh.
        string[] nics = [.. Directory.GetDirectories("/sys/class/net").Where(d => Path.GetFileName(d) != "lo" && Directory.Exists(Path.Combine(d, "device"))).Select(Path.GetFileName).OfType<string>()];
        foreach (string nic in nics)
        {
            Assert.Contains($"networkctl reconfigure {nic}", calls);
            Assert.Contains($"ip -4 addr flush dev {nic} scope global", calls);
        }

        Assert.Equal("127.0.0.1\tlocalhost\n127.0.1.1\tweb-2\n", await File.ReadAllTextAsync(hosts));
    }

    public void Dispose() => _dir.Dispose();

    private static void Stub(string bin, string name, string log, string answer)
    {
        string path = Path.Combine(bin, name);
        File.WriteAllText(path, $"#!/bin/sh\necho \"{name} $*\" >> {log}\n{answer}\nexit 0\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
