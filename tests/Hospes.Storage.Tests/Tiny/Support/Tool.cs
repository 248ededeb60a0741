using System.Diagnostics;

namespace Hospes.Storage.Tests.Tiny.Support;

/// <summary>Runs a host tool in a test and fails the test with its output if it fails.</summary>
internal static class Tool
{
    public static async Task<string> RunAsync(string tool, params string[] args) => await RunInAsync(null, tool, args);

    public static async Task<string> RunInAsync(string? directory, string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory ?? "",
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        string output = await stdout;
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        return output;
    }

    /// <summary>A qcow2 disk holding an ext4 filesystem with the given files (mkfs.ext4 -d, no mounting needed).</summary>
    public static async Task<string> MakeExt4DiskAsync(string directory, IReadOnlyDictionary<string, string> files)
    {
        string content = Path.Combine(directory, "disk-content");
        Directory.CreateDirectory(content);
        foreach ((string name, string text) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(content, name), text);
        }

        string raw = Path.Combine(directory, "disk.raw");
        using (var stream = new FileStream(raw, FileMode.CreateNew))
        {
            stream.SetLength(32 << 20);
        }

        await RunAsync("mkfs.ext4", "-q", "-F", "-d", content, raw);
        string qcow2 = Path.Combine(directory, "disk.qcow2");
        await RunAsync("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, qcow2);
        File.Delete(raw);
        return qcow2;
    }
}
