using Hospes.Core.Errors;
using Hospes.Core.Processes;

namespace Hospes.Host.Network;

/// <summary>The key pair `hospes ssh` uses; its public half goes into every tiny guest at boot.</summary>
internal sealed class SshKey(string stateDir)
{
    public string PrivatePath { get; } = Path.Combine(stateDir, "ssh", "id_ed25519");

    /// <summary>The OpenSSH public key line, or null when there is none yet.</summary>
    public string? PublicLine => File.Exists(PrivatePath + ".pub") ? File.ReadAllText(PrivatePath + ".pub").Trim() : null;

    /// <summary>Makes the pair once (ssh-keygen, from openssh-client); returns a problem or null.</summary>
    public async Task<string?> EnsureAsync(CancellationToken ct)
    {
        if (File.Exists(PrivatePath) && File.Exists(PrivatePath + ".pub"))
        {
            return null;
        }

        string dir = Path.GetDirectoryName(PrivatePath)!;
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Delete(PrivatePath);
        File.Delete(PrivatePath + ".pub");
        var keygen = new ToolCommand("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "hospes", "-f", PrivatePath]) { Timeout = TimeSpan.FromSeconds(30) };
        Result<ToolOutput> run = await ToolProcess.RunAsync(keygen, ct).ConfigureAwait(false);
        return run.Error switch
        {
            null => null,
            ToolNotInstalled => "ssh-keygen is missing; install the openssh-client package",
            ToolExited exited => $"ssh-keygen failed: {exited.Output.LastErrorLine}",
            ToolTimedOut timedOut => $"ssh-keygen failed: {timedOut.Output.LastErrorLine}",
            _ => $"ssh-keygen failed: {run.Error.Message}",
        };
    }
}
