using System.Text;
using Hospes.Core.Errors;
using Hospes.Host.Machine;
using Hospes.Qemu.Qga;

namespace Hospes.Host.Vms.Agent;

/// <summary>
/// A key `hospes ssh` may log in with, added to a running guest: the tiny guest takes the host's key on its kernel
/// command line at each boot and a disk image from its NoCloud seed once, both into root's authorized keys; a guest that
/// booted before its host took the cluster's key gets it here, through its agent (<see cref="GuestKeyPush"/>).
/// </summary>
internal sealed partial class GuestAgent
{
    /// <summary>The guest user `hospes ssh` logs in as (<see cref="Network.SshAccess"/>).</summary>
    public const string SshUser = "root";

    /// <summary>Root's authorized keys: where /etc/rc of the tiny guest and the NoCloud seed's script put the host's key.</summary>
    public const string AuthorizedKeysFile = "/root/.ssh/authorized_keys";

    /// <summary>The longest authorized keys file the file-call way reads.</summary>
    private const int MaxAuthorizedKeys = 1 << 20;

    /// <summary>
    /// Adds <paramref name="publicLine"/> (its type and key; the comment dropped, as the tiny guest writes it) to root's
    /// authorized keys in the guest; the keys there stay. First guest-ssh-add-authorized-keys (qemu-ga writes the file
    /// itself, owner and mode right, a key already there not twice); an agent without it (older than 5.2, or run with it
    /// disabled) gets the file calls: the file read, and the line appended unless the key is in it. Answers how.
    /// </summary>
    public Task<Result<string>> AddAuthorizedKeyAsync(IVm vm, string publicLine, CancellationToken ct, TimeSpan? answer = null)
    {
        string[] fields = publicLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
        {
            return Task.FromResult<Result<string>>(HospesError.Invalid($"'{publicLine}' is no OpenSSH public key line (TYPE BASE64 [COMMENT])"));
        }

        string key = $"{fields[0]} {fields[1]}";
        return WithAgentAsync<string>(vm, answer ?? QgaClient.DefaultTimeout, async (a, t) =>
        {
            Result<bool> added = await a.AddAuthorizedKeysAsync(SshUser, [key], t).ConfigureAwait(false);
            if (added.IsOk)
            {
                return "guest-ssh-add-authorized-keys";
            }

            if (a.IsBroken)
            {
                return added.Error;
            }

            // No such file yet is no failure: the append makes it (in /root/.ssh, which both kinds of guest have).
            Result<byte[]> had = await a.ReadFileAsync(AuthorizedKeysFile, MaxAuthorizedKeys, t).ConfigureAwait(false);
            if (a.IsBroken)
            {
                return had.IsOk ? added.Error : had.Error;
            }

            string text = had.IsOk ? Encoding.UTF8.GetString(had.Value) : "";
            if (text.Split('\n').Any(l => HasKey(l, fields[0], fields[1])))
            {
                return $"{AuthorizedKeysFile} had it already";
            }

            string line = (text.Length > 0 && !text.EndsWith('\n') ? "\n" : "") + key + "\n";
            Result<bool> appended = await a.AppendFileAsync(AuthorizedKeysFile, Encoding.ASCII.GetBytes(line), t).ConfigureAwait(false);
            return appended.IsOk
                ? $"the agent's file calls ({AuthorizedKeysFile})"
                : appended.Error with
                {
                    Message = $"adding the key to {AuthorizedKeysFile} failed in VM {vm.Record.Name}: guest-ssh-add-authorized-keys said: {added.Error.Message}; appending by the agent's file calls said: {appended.Error.Message}",
                };
        }, ct);
    }

    /// <summary>Whether an authorized_keys line holds the key <paramref name="type"/> <paramref name="blob"/> (options before it allowed).</summary>
    private static bool HasKey(string line, string type, string blob)
    {
        string[] f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        int at = Array.IndexOf(f, type);
        return at >= 0 && at + 1 < f.Length && f[at + 1] == blob;
    }
}
