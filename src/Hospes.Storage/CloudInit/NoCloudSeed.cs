using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.CloudInit;

/// <summary>
/// Writes a NoCloud seed: a small FAT disk image labelled CIDATA holding meta-data, user-data and, for a static address,
/// network-config. Attach it read-only as a second disk; cloud-init or Hospes's guest agent applies it at boot.
/// Made with mkfs.vfat and mcopy, so nothing is mounted on the host.
/// </summary>
public static class NoCloudSeed
{
    /// <summary>The volume label the guest looks for (cloud-init accepts cidata in either case).</summary>
    public const string Label = "CIDATA";

    public const string MetaDataFile = "meta-data";

    public const string UserDataFile = "user-data";

    public const string NetworkConfigFile = "network-config";

    /// <summary>The static network as a systemd-networkd unit; real cloud-init ignores it.</summary>
    public const string NetworkdFile = "hospes.network";

    /// <summary>The SSH host key's private half as a file of its own (the public half: this name + ".pub"); real cloud-init reads user-data's ssh_keys instead.</summary>
    public const string HostKeyFile = "ssh_host_ed25519_key";

    /// <summary>The image's size: FAT12 needs little, and small keeps clones cheap.</summary>
    internal const int SizeBytes = 1 << 20;

    internal static readonly (string Tool, string Package)[] Tools = [("mkfs.vfat", "dosfstools"), ("mcopy", "mtools")];

    /// <summary>Writes the seed image to <paramref name="path"/> (raw format), replacing any file there.</summary>
    public static async Task<Result<string>> WriteAsync(NoCloudIdentity identity, string path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (NoCloudIdentityValidator.Validate(identity) is { } invalid)
        {
            return invalid;
        }

        Result<IReadOnlyDictionary<string, string>> tools = HostTool.FindAll(Tools, "writing a NoCloud seed");
        if (!tools.IsOk)
        {
            return tools.Error;
        }

        string target = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(target) ?? throw new ArgumentException($"seed path {target} has no directory", nameof(path));
        string work = TempDirectory.CreateIn(dir, Path.GetFileName(target) + ".seed");
        try
        {
            Dictionary<string, string> files = new(StringComparer.Ordinal)
            {
                [MetaDataFile] = NoCloudDocuments.MetaData(identity),
                [UserDataFile] = NoCloudDocuments.UserData(identity),
            };
            if (identity.SshHostKey is { } hostKey)
            {
                files[HostKeyFile] = hostKey.PrivateKey.Trim() + "\n";
                files[HostKeyFile + ".pub"] = hostKey.PublicKey.Trim() + "\n";
            }

            if (identity.Network is { } network)
            {
                files[NetworkConfigFile] = NoCloudDocuments.NetworkConfig(network);
                files[NetworkdFile] = NoCloudDocuments.NetworkdUnit(network);
            }

            string image = Path.Combine(work, "seed.img");
            Result<string> made = await MakeImageAsync(tools.Value, work, image, files, ct).ConfigureAwait(false);
            if (!made.IsOk)
            {
                return made.Error;
            }

            File.Move(image, target, overwrite: true);
            return target;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HospesError.Unavailable($"cannot write NoCloud seed {target}: {e.Message}; check that {dir} is writable");
        }
        finally
        {
            TempDirectory.TryDelete(work);
        }
    }

    private static async Task<Result<string>> MakeImageAsync(
        IReadOnlyDictionary<string, string> tools, string work, string image, Dictionary<string, string> files, CancellationToken ct)
    {
        await using (var stream = new FileStream(image, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
        {
            stream.SetLength(SizeBytes);
        }

        Result<ToolOutput> mkfs = await ToolRunner.RunAsync(tools["mkfs.vfat"], ["-n", Label, image], work, ct).ConfigureAwait(false);
        if (!mkfs.IsOk || !mkfs.Value.Succeeded)
        {
            return mkfs.IsOk ? HospesError.Unavailable($"mkfs.vfat on NoCloud seed {image} failed: {mkfs.Value.Complaint}") : mkfs.Error;
        }

        foreach ((string name, string text) in files)
        {
            string source = Path.Combine(work, name);
            await File.WriteAllTextAsync(source, text, ct).ConfigureAwait(false);
            // -i works on the image file directly; -o overwrites without asking (stdin is closed).
            Result<ToolOutput> copy = await ToolRunner.RunAsync(tools["mcopy"], ["-o", "-i", image, source, "::" + name], work, ct).ConfigureAwait(false);
            if (!copy.IsOk || !copy.Value.Succeeded)
            {
                return copy.IsOk ? HospesError.Unavailable($"mcopy of {name} into NoCloud seed {image} failed: {copy.Value.Complaint}") : copy.Error;
            }
        }

        return image;
    }
}
