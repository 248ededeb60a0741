using System.Text;
using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Host.Settings;
using Hospes.Storage.Tiny.Ssh;

namespace Hospes.Host.Network;

/// <summary>
/// The SSH host key hospesd makes for each guest it can hand one to (the tiny guest reads it by fw_cfg, a VM made from a
/// Debian image Hospes built gets it in its NoCloud seed), kept in the VM's folder: `hospes ssh` accepts the guest only
/// when it shows this key. Made by hospesd rather than learned from the guest, so it is known before the guest's first
/// packet and no other guest can have spoken first.
/// </summary>
internal sealed class GuestHostKeys(VmLayout layout)
{
    public const string FileName = "ssh_host_ed25519_key";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The private key as ssh-keygen wrote it (OpenSSH format, 0600).</summary>
    public string PrivatePath(Guid vm) => Path.Combine(layout.VmDir(vm), FileName);

    /// <summary>The same key as dropbear reads it: QEMU hands this file to the tiny guest.</summary>
    public string DropbearPath(Guid vm) => PrivatePath(vm) + ".dropbear";

    /// <summary>The VM's key, or null when it has none (yet).</summary>
    public GuestHostKey? Find(Guid vm)
    {
        string path = PrivatePath(vm);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        Result<string> line = Ed25519KeyFile.PublicLine(text);
        return line.IsOk ? new GuestHostKey(text, line.Value, DropbearPath(vm)) : null;
    }

    /// <summary>Makes the VM's key once (ssh-keygen) with its dropbear form; a key it has already stays.</summary>
    public async Task<Result<GuestHostKey>> EnsureAsync(Guid vm, CancellationToken ct)
    {
        if (Find(vm) is { } existing)
        {
            return File.Exists(existing.DropbearPath) ? existing : Import(vm, existing.PrivateText);
        }

        string dir = layout.VmDir(vm);
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $"{FileName}.{Guid.NewGuid():N}.new");
        try
        {
            var keygen = new ToolCommand("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", $"hospes-guest-{vm}", "-f", temp]) { Timeout = TimeSpan.FromSeconds(30) };
            Result<ToolOutput> run = await ToolProcess.RunAsync(keygen, ct).ConfigureAwait(false);
            if (!run.IsOk)
            {
                string why = run.Error switch
                {
                    ToolNotInstalled => "ssh-keygen is missing; install the openssh-client package",
                    ToolExited exited => $"ssh-keygen failed: {exited.Output.LastErrorLine}",
                    _ => $"ssh-keygen failed: {run.Error.Message}",
                };
                return HospesError.Unavailable($"cannot make the guest's SSH host key: {why}");
            }

            return Import(vm, await File.ReadAllTextAsync(temp, ct).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HospesError.Unavailable($"cannot make the guest's SSH host key in {dir}: {e.Message}");
        }
        finally
        {
            File.Delete(temp);
            File.Delete(temp + ".pub");
        }
    }

    /// <summary>Keeps <paramref name="privateKey"/> (OpenSSH format) as the VM's key, e.g. one that came with it from another host.</summary>
    public Result<GuestHostKey> Import(Guid vm, string privateKey)
    {
        Result<string> line = Ed25519KeyFile.PublicLine(privateKey);
        Result<byte[]> dropbear = Ed25519KeyFile.ToDropbear(privateKey);
        if (!line.IsOk || !dropbear.IsOk)
        {
            return (line.IsOk ? dropbear.Error : line.Error)!;
        }

        try
        {
            Directory.CreateDirectory(layout.VmDir(vm));
            WriteOwnerOnly(PrivatePath(vm), Encoding.ASCII.GetBytes(privateKey));
            WriteOwnerOnly(DropbearPath(vm), dropbear.Value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HospesError.Unavailable($"cannot keep the guest's SSH host key in {layout.VmDir(vm)}: {e.Message}");
        }

        return new GuestHostKey(privateKey, line.Value, DropbearPath(vm));
    }

    /// <summary>Written beside, then renamed: a reader sees the old file or the whole new one, never a part, and never readable by others.</summary>
    private static void WriteOwnerOnly(string path, byte[] bytes)
    {
        string temp = $"{path}.{Guid.NewGuid():N}.new";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly };
        using (var f = new FileStream(temp, options))
        {
            f.Write(bytes);
            f.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>A guest's SSH host key: the private key as OpenSSH writes it, its public line, and its dropbear file.</summary>
internal sealed record GuestHostKey(string PrivateText, string PublicLine, string DropbearPath);
