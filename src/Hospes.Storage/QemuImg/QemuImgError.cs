using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.QemuImg;

/// <summary>Turns a failed qemu-img run into an error naming the command, the file, qemu-img's complaint and a fix.</summary>
internal static class QemuImgError
{
    public static HospesError From(string command, string path, ToolOutput result)
    {
        string complaint = Complaint(result);
        string what = $"qemu-img {command} {path}: {complaint}";
        if (complaint.Contains("No space left on device", StringComparison.Ordinal))
        {
            return HospesError.Unavailable($"{what}; free space on the filesystem holding {path}");
        }

        if (complaint.Contains("Failed to get", StringComparison.Ordinal) && complaint.Contains("lock", StringComparison.Ordinal))
        {
            return HospesError.Conflict($"{what}; the image is in use (a running VM?); stop the VM that uses it first");
        }

        if (complaint.Contains("No such file or directory", StringComparison.Ordinal))
        {
            return HospesError.NotFound($"{what}; check the path");
        }

        if (complaint.Contains("Permission denied", StringComparison.Ordinal))
        {
            return HospesError.Unavailable($"{what}; check the file's permissions");
        }

        if (complaint.Contains("Could not open", StringComparison.Ordinal))
        {
            return HospesError.Invalid($"{what}; the file is damaged or not an image of the expected format (try 'qemu-img check')");
        }

        return HospesError.Invalid(what);
    }

    /// <summary>qemu-img's first error line, without its "qemu-img: " prefix; warnings are skipped.</summary>
    public static string Complaint(ToolOutput result)
    {
        string[] lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? line = lines.FirstOrDefault(l => !l.Contains("warning:", StringComparison.OrdinalIgnoreCase))
            ?? lines.FirstOrDefault();
        if (line is null)
        {
            return $"exit code {result.ExitCode}";
        }

        const string prefix = "qemu-img: ";
        return line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..] : line;
    }
}
