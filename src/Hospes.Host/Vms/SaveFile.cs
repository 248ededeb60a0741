using System.Text;
using System.Text.Json;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Hospes.Core.Vms;
using Hospes.Host.Settings;

namespace Hospes.Host.Vms;

/// <summary>
/// A save file: a 4 KiB header (magic line + JSON with the VM's spec) followed by QEMU's migration
/// stream, which QEMU writes and reads itself at that offset (file: URI, QEMU 9+).
/// </summary>
internal static class SaveFile
{
    public const int StreamOffset = 4096;
    private const string Magic = "HOSPES-SAVE 1\n";

    public static void WriteHeader(string path, SaveHeader header)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, HospesJson.Options);
        byte[] magic = Encoding.ASCII.GetBytes(Magic);
        if (magic.Length + json.Length + 1 > StreamOffset)
        {
            throw new HospesException(HospesError.Invalid($"the spec of {header.Spec.Name} is too large for a save header"));
        }

        byte[] block = new byte[StreamOffset];
        magic.CopyTo(block, 0);
        json.CopyTo(block, magic.Length);
        block[magic.Length + json.Length] = (byte)'\n';
        // The guest's whole RAM (its keys and passwords) follows the header: for root alone, whatever the umask.
        using var f = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = StateModes.File });
        f.Write(block);
    }

    public static Result<SaveHeader> ReadHeader(string path)
    {
        if (!File.Exists(path))
        {
            return HospesError.NotFound($"save file {path} does not exist");
        }

        byte[] block = new byte[StreamOffset];
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Read))
        {
            if (f.Length <= StreamOffset || f.ReadAtLeast(block, StreamOffset, throwOnEndOfStream: false) < StreamOffset)
            {
                return HospesError.Invalid($"{path} is not a Hospes save file (too short)");
            }
        }

        string text = Encoding.UTF8.GetString(block).TrimEnd('\0');
        if (!text.StartsWith(Magic, StringComparison.Ordinal))
        {
            return HospesError.Invalid($"{path} is not a Hospes save file (it does not start with '{Magic.Trim()}'); make one with `hospes save VM FILE`");
        }

        try
        {
            SaveHeader? header = JsonSerializer.Deserialize<SaveHeader>(text[Magic.Length..].Trim(), HospesJson.Options);
            return header is null ? HospesError.Invalid($"{path}: empty save header") : header;
        }
        catch (JsonException e)
        {
            return HospesError.Invalid($"{path}: damaged save header: {e.Message}");
        }
    }
}
