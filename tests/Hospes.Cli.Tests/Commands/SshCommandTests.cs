using Hospes.Cli.Commands;
using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Cli.Tests.Commands;

/// <summary>`hospes ssh` accepts only the host key hospesd names for the guest.</summary>
public sealed class SshCommandTests : IDisposable
{
    private readonly StubHandler _stub = new();
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _stub.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Fingerprint_IsWhatSshKeygenPrints()
    {
        await ToolAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", _dir.File("k"));
        string line = File.ReadAllText(_dir.File("k.pub")).Trim();
        string[] listed = (await ToolAsync("ssh-keygen", "-l", "-f", _dir.File("k.pub"))).Split(' ');

        Assert.Equal($"ssh-ed25519 {listed[1]}", SshCommand.Fingerprint(line));
    }

    [Theory]
    [InlineData("Host key verification failed.\n", true)]
    [InlineData("@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\n", true)]
    [InlineData("Unable to negotiate with UNKNOWN port 65535: no matching host key type found. Their offer: rsa-sha2-512\n", true)]
    [InlineData("Permission denied (publickey).\n", false)]
    [InlineData("", false)]
    public void IsHostKeyRefusal_KnowsSshsWordsForAnotherKey(string log, bool refusal) => Assert.Equal(refusal, SshCommand.IsHostKeyRefusal(log));

    [Fact]
    public async Task Ssh_ToAHospesdThatNamesNoHostKey_IsRefused_WithoutRunningSsh()
    {
        string key = _dir.File("id");
        File.WriteAllText(key, "x");
        _stub.On("GET", "/v1/vms/web/ssh", CliRunner.Json(new SshTarget { Vm = "web", Ip = "10.0.0.5", User = "root", KeyPath = key }));

        CliRun r = await CliRunner.RunAsync(_stub, "ssh", "web");

        Assert.NotEqual(0, r.Exit);
        Assert.StartsWith("hospes: hospesd named no SSH host key for web", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_OfferEveryLocalKey_AndNoOther()
    {
        string cluster = _dir.File("id_ed25519");
        string own = _dir.File("id_ed25519.host");
        File.WriteAllText(cluster, "x");
        File.WriteAllText(own, "x");
        // A path another host named (its own file system): not a file here, so not offered.
        var target = new SshTarget { Vm = "web", Ip = "10.0.0.5", User = "root", KeyPath = cluster, KeyPaths = [cluster, own, "/elsewhere/id_ed25519"], HostKey = "ssh-ed25519 AAAA" };

        IReadOnlyList<string> keys = SshCommand.Keys(target);
        IReadOnlyList<string> args = SshCommand.Arguments(target, keys, "kh", "log", "proxy", ["hostname"]);

        Assert.Equal([cluster, own], keys);
        Assert.Equal(["-i", cluster, "-i", own, "-o", "IdentitiesOnly=yes"], args.Take(6));
        Assert.Equal(2, args.Count(a => a == "-i"));
        Assert.Equal(["root@web", "hostname"], args.TakeLast(2));
    }

    [Fact]
    public void Keys_FromAnOlderHospesd_AreItsOnePath()
    {
        string key = _dir.File("id");
        File.WriteAllText(key, "x");

        Assert.Equal([key], SshCommand.Keys(new SshTarget { Vm = "web", Ip = "10.0.0.5", User = "root", KeyPath = key }));
    }

    [Fact]
    public async Task Ssh_WithNoKeyReadableHere_IsRefused_NamingThem_WithoutRunningSsh()
    {
        _stub.On("GET", "/v1/vms/web/ssh", CliRunner.Json(new SshTarget { Vm = "web", Ip = "10.0.0.5", User = "root", KeyPath = "/nowhere/a", KeyPaths = ["/nowhere/a", "/nowhere/b"], HostKey = "ssh-ed25519 AAAA" }));

        CliRun r = await CliRunner.RunAsync(_stub, "ssh", "web");

        Assert.NotEqual(0, r.Exit);
        Assert.StartsWith("hospes: cannot read hospesd's ssh key /nowhere/a, /nowhere/b", r.Stderr, StringComparison.Ordinal);
    }

    private static async Task<string> ToolAsync(string tool, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardInput.Close();
        string output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"{tool} exited with {p.ExitCode}");
        return output;
    }
}
