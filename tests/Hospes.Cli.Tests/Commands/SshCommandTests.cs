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
