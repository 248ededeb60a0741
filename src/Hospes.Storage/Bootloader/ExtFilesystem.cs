using System.Globalization;
using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Storage.QemuImg;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.Bootloader;

/// <summary>
/// Reads files of an ext2/3/4 filesystem inside a disk image with debugfs (read-only, no mounting): the
/// filesystem may start at an offset, which debugfs takes as <c>image?offset=BYTES</c>.
/// </summary>
internal sealed class ExtFilesystem
{
    private const int MaxLinks = 16;
    private readonly string _device;
    private readonly BootLimits _limits;

    public ExtFilesystem(string imagePath, long offset, BootLimits? limits = null)
    {
        _limits = limits ?? new BootLimits();
        _device = offset == 0 ? imagePath : $"{imagePath}?offset={offset.ToString(CultureInfo.InvariantCulture)}";
    }

    public BootLimits Limits => _limits;

    /// <summary>What a path names, without following a final symlink; null when nothing is there.</summary>
    public async Task<Result<ExtNode?>> StatAsync(string path, CancellationToken ct)
    {
        Result<ToolOutput> run = await RunAsync($"stat {Quote(path)}", ct).ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        if (Complaint(run.Value) is not null)
        {
            return (ExtNode?)null;
        }

        string stat = run.Value.StandardOutput;
        string type = Field(stat, "Type:") ?? "";
        long size = long.TryParse(Field(stat, "Size:"), NumberStyles.None, CultureInfo.InvariantCulture, out long s) ? s : 0;
        if (type != "symlink")
        {
            return new ExtNode(type == "regular" ? ExtNodeKind.File : type == "directory" ? ExtNodeKind.Directory : ExtNodeKind.Other, null, size);
        }

        // A short target is stored in the inode ("Fast link dest"); a long one is the link's file content.
        const string fast = "Fast link dest: \"";
        int at = stat.IndexOf(fast, StringComparison.Ordinal);
        if (at >= 0)
        {
            int start = at + fast.Length;
            int end = stat.IndexOf('"', start);
            return new ExtNode(ExtNodeKind.Symlink, stat[start..end], size);
        }

        // A link target is at most a block (4 KiB); a larger "link" is not one.
        if (size > 4096)
        {
            return HospesError.Invalid($"{path} in {_device} is a symlink of {size} bytes; a link target is at most 4096");
        }

        Result<ToolOutput> target = await RunAsync($"cat {Quote(path)}", ct, 4096).ConfigureAwait(false);
        return target.IsOk ? new ExtNode(ExtNodeKind.Symlink, target.Value.StandardOutput, size) : target.Error;
    }

    /// <summary>The path with every symlink followed; null when it, or a link on the way, leads nowhere.</summary>
    public async Task<Result<string?>> ResolveAsync(string path, CancellationToken ct)
    {
        Result<(string Path, ExtNode Node)?> found = await FindAsync(path, ct).ConfigureAwait(false);
        return found.IsOk ? found.Value?.Path : found.Error;
    }

    /// <summary>The path with every symlink followed, and what it names; null when it leads nowhere.</summary>
    private async Task<Result<(string Path, ExtNode Node)?>> FindAsync(string path, CancellationToken ct)
    {
        string current = path;
        for (int hop = 0; hop < MaxLinks; hop++)
        {
            Result<ExtNode?> node = await StatAsync(current, ct).ConfigureAwait(false);
            if (!node.IsOk)
            {
                return node.Error;
            }

            if (node.Value is not { } n)
            {
                return ((string, ExtNode)?)null;
            }

            if (n.Kind != ExtNodeKind.Symlink)
            {
                return (current, n);
            }

            current = GuestPath.Combine(GuestPath.Directory(current), n.LinkTarget!);
        }

        return ((string, ExtNode)?)null;
    }

    /// <summary>
    /// A small text file's content (a menu: at most <see cref="BootLimits.MenuBytes"/>, checked before it is read),
    /// or null when it does not exist.
    /// </summary>
    public async Task<Result<string?>> ReadTextAsync(string path, CancellationToken ct)
    {
        Result<(string Path, ExtNode Node)?> found = await FindAsync(path, ct).ConfigureAwait(false);
        if (!found.IsOk || found.Value is not { } file)
        {
            return found.IsOk ? (string?)null : found.Error;
        }

        if (file.Node.Size > _limits.MenuBytes)
        {
            return HospesError.Invalid(
                $"{path} in {_device} is {file.Node.Size} bytes; a boot menu may be at most {BootLimits.Bytes(_limits.MenuBytes)} (Hospes does not read it)");
        }

        Result<ToolOutput> run = await RunAsync($"cat {Quote(file.Path)}", ct, (int)_limits.MenuBytes).ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        return Complaint(run.Value) is { } complaint
            ? HospesError.Invalid($"debugfs cannot read {path} in {_device}: {complaint}")
            : run.Value.StandardOutput;
    }

    /// <summary>
    /// Copies a (resolved) file out of the filesystem to a host path, when it is at most <paramref name="maxBytes"/>
    /// (checked before it is copied: debugfs writes holes as zeros). Returns its size.
    /// </summary>
    public async Task<Result<long>> DumpAsync(string path, string destination, long maxBytes, CancellationToken ct)
    {
        File.Delete(destination);
        Result<ExtNode?> node = await StatAsync(path, ct).ConfigureAwait(false);
        if (!node.IsOk)
        {
            return node.Error;
        }

        if (node.Value is not { Kind: ExtNodeKind.File } file)
        {
            return HospesError.Invalid($"{path} in {_device} is not a regular file; a boot menu must name kernel and initrd files");
        }

        if (file.Size > maxBytes)
        {
            return HospesError.Invalid(
                $"{path} in {_device} is {file.Size} bytes, more than the {BootLimits.Bytes(maxBytes)} Hospes copies out for a boot (a kernel or initrd is tens of MiB); give kernel= and ramdisk= in the config instead");
        }

        Result<ToolOutput> run = await RunAsync($"dump {Quote(path)} {Quote(destination)}", ct).ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        if (Complaint(run.Value) is { } complaint || !File.Exists(destination))
        {
            return HospesError.Invalid($"debugfs cannot copy {path} out of {_device}: {Complaint(run.Value) ?? "no file written"}");
        }

        long written = new FileInfo(destination).Length;
        if (written > maxBytes)
        {
            File.Delete(destination);
            return HospesError.Invalid($"{path} in {_device} grew to {written} bytes while it was copied out; at most {BootLimits.Bytes(maxBytes)}");
        }

        return written;
    }

    private Task<Result<ToolOutput>> RunAsync(string request, CancellationToken ct, int outputLimit = 64 * 1024) =>
        HostProcess.RunAsync("debugfs", ["-R", request, _device], "e2fsprogs", ct, outputLimit: outputLimit);

    /// <summary>debugfs exits 0 even when a request fails; the failure is on stderr after its version banner.</summary>
    private static string? Complaint(ToolOutput result) =>
        result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(l => !l.StartsWith("debugfs ", StringComparison.Ordinal));

    private static string? Field(string stat, string name)
    {
        int at = stat.IndexOf(name, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        string rest = stat[(at + name.Length)..].TrimStart();
        int end = rest.IndexOfAny([' ', '\t', '\n']);
        return end < 0 ? rest : rest[..end];
    }

    // debugfs splits its request like a shell: quote paths with spaces.
    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
