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

    public ExtFilesystem(string imagePath, long offset)
    {
        _device = offset == 0 ? imagePath : $"{imagePath}?offset={offset.ToString(CultureInfo.InvariantCulture)}";
    }

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
        if (type != "symlink")
        {
            return new ExtNode(type == "regular" ? ExtNodeKind.File : type == "directory" ? ExtNodeKind.Directory : ExtNodeKind.Other, null);
        }

        // A short target is stored in the inode ("Fast link dest"); a long one is the link's file content.
        const string fast = "Fast link dest: \"";
        int at = stat.IndexOf(fast, StringComparison.Ordinal);
        if (at >= 0)
        {
            int start = at + fast.Length;
            int end = stat.IndexOf('"', start);
            return new ExtNode(ExtNodeKind.Symlink, stat[start..end]);
        }

        Result<ToolOutput> target = await RunAsync($"cat {Quote(path)}", ct).ConfigureAwait(false);
        return target.IsOk ? new ExtNode(ExtNodeKind.Symlink, target.Value.StandardOutput) : target.Error;
    }

    /// <summary>The path with every symlink followed; null when it, or a link on the way, leads nowhere.</summary>
    public async Task<Result<string?>> ResolveAsync(string path, CancellationToken ct)
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
                return (string?)null;
            }

            if (n.Kind != ExtNodeKind.Symlink)
            {
                return current;
            }

            current = GuestPath.Combine(GuestPath.Directory(current), n.LinkTarget!);
        }

        return (string?)null;
    }

    /// <summary>A small text file's content, or null when it does not exist.</summary>
    public async Task<Result<string?>> ReadTextAsync(string path, CancellationToken ct)
    {
        Result<string?> resolved = await ResolveAsync(path, ct).ConfigureAwait(false);
        if (!resolved.IsOk || resolved.Value is null)
        {
            return resolved;
        }

        Result<ToolOutput> run = await RunAsync($"cat {Quote(resolved.Value)}", ct).ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        return Complaint(run.Value) is { } complaint
            ? HospesError.Invalid($"debugfs cannot read {path} in {_device}: {complaint}")
            : run.Value.StandardOutput;
    }

    /// <summary>Copies a (resolved) file out of the filesystem to a host path.</summary>
    public async Task<Result<bool>> DumpAsync(string path, string destination, CancellationToken ct)
    {
        File.Delete(destination);
        Result<ToolOutput> run = await RunAsync($"dump {Quote(path)} {Quote(destination)}", ct).ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        if (Complaint(run.Value) is { } complaint || !File.Exists(destination))
        {
            return HospesError.Invalid($"debugfs cannot copy {path} out of {_device}: {Complaint(run.Value) ?? "no file written"}");
        }

        return true;
    }

    private Task<Result<ToolOutput>> RunAsync(string request, CancellationToken ct) =>
        HostProcess.RunAsync("debugfs", ["-R", request, _device], "e2fsprogs", ct);

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
