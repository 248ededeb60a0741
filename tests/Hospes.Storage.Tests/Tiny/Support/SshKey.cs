using System.ComponentModel;

namespace Hospes.Storage.Tests.Tiny.Support;

/// <summary>A throwaway ed25519 key pair made with the host's ssh-keygen.</summary>
internal sealed record SshKey(string PrivateKeyPath, string PublicKeyLine)
{
    public static async Task<SshKey> CreateAsync(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        try
        {
            await Tool.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", $"{name}@hospes-test", "-f", path);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run ssh-keygen: {e.Message}; install openssh-client (./setup.sh does)", e);
        }

        return new SshKey(path, (await File.ReadAllTextAsync(path + ".pub")).Trim());
    }
}
