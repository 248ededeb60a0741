using Hospes.Core.Errors;
using Hospes.Core.Processes;

namespace Hospes.Host.Network;

/// <summary>
/// The key pair `hospes ssh` uses; its public half goes into every tiny guest at boot. In a cluster it is the
/// cluster's (one pair for all members: a joining host takes it, <see cref="Adopt"/>); the keys this host used before
/// stay as further identities (<c>id_ed25519.host</c>, <c>id_ed25519.host-2</c>, …), which its older guests trust.
/// </summary>
internal sealed class SshKey(string stateDir)
{
    private const string HostSuffix = ".host";

    public string PrivatePath { get; } = Path.Combine(stateDir, "ssh", "id_ed25519");

    /// <summary>The OpenSSH public key line, or null when there is none yet.</summary>
    public string? PublicLine => File.Exists(PrivatePath + ".pub") ? File.ReadAllText(PrivatePath + ".pub").Trim() : null;

    /// <summary>
    /// Every private key `hospes ssh` offers a guest, the current one first, then the ones kept from before a join
    /// (oldest first); only files that are there.
    /// </summary>
    public IReadOnlyList<string> IdentityPaths
    {
        get
        {
            string dir = Path.GetDirectoryName(PrivatePath)!;
            string[] kept = Directory.Exists(dir)
                ? [.. Directory.GetFiles(dir, Path.GetFileName(PrivatePath) + HostSuffix + "*").Where(p => !p.EndsWith(".pub", StringComparison.Ordinal)).Order(StringComparer.Ordinal)]
                : [];
            return [.. new[] { PrivatePath }.Where(File.Exists), .. kept];
        }
    }

    /// <summary>The private key's text, for a joining host (over the trusted peer channel only; never logged).</summary>
    public string? PrivateText => File.Exists(PrivatePath) ? File.ReadAllText(PrivatePath) : null;

    /// <summary>
    /// Makes <paramref name="privateKey"/>/<paramref name="publicLine"/> (the cluster's) this host's key; the one it had,
    /// when another, is kept as the next free <c>id_ed25519.host[-N]</c>. The same key again changes nothing.
    /// Returns whether the key changed.
    /// </summary>
    public bool Adopt(string privateKey, string publicLine)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(privateKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(publicLine);
        if (PublicLine is { } current && SameKey(current, publicLine))
        {
            return false;
        }

        string dir = Path.GetDirectoryName(PrivatePath)!;
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // The new pair is written beside the old first, so a failure leaves the old key in place.
        string tmp = PrivatePath + ".new";
        WritePrivate(tmp, privateKey.EndsWith('\n') ? privateKey : privateKey + "\n");
        File.WriteAllText(tmp + ".pub", publicLine.Trim() + "\n");
        if (File.Exists(PrivatePath))
        {
            string keep = FreeKeptPath();
            File.Move(PrivatePath, keep);
            if (File.Exists(PrivatePath + ".pub"))
            {
                File.Move(PrivatePath + ".pub", keep + ".pub");
            }
        }

        File.Move(tmp, PrivatePath, overwrite: true);
        File.Move(tmp + ".pub", PrivatePath + ".pub", overwrite: true);
        return true;
    }

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

    /// <summary>"ssh-ed25519 SHA256:..." as ssh-keygen -l prints it, for a public key line (safe to log).</summary>
    public static string Fingerprint(string publicLine)
    {
        string[] f = publicLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        byte[] blob = f.Length >= 2 ? Convert.FromBase64String(f[1]) : [];
        return $"{f[0]} SHA256:{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(blob)).TrimEnd('=')}";
    }

    /// <summary>Two public key lines name the same key when type and blob agree (the comment does not count).</summary>
    private static bool SameKey(string a, string b) =>
        string.Join(' ', a.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2)) == string.Join(' ', b.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2));

    private string FreeKeptPath()
    {
        string first = PrivatePath + HostSuffix;
        if (!File.Exists(first))
        {
            return first;
        }

        for (int n = 2; ; n++)
        {
            string next = $"{first}-{n}";
            if (!File.Exists(next))
            {
                return next;
            }
        }
    }

    private static void WritePrivate(string path, string text)
    {
        File.Delete(path);
        using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
