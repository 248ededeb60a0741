using System.Text;
using System.Text.Json;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Hospes.Core.Vms;
using Hospes.Host.Settings;

namespace Hospes.Host.Vms;

/// <summary>
/// A save file: a header (magic line + JSON with the VM's spec) followed by QEMU's migration stream, which QEMU
/// writes and reads itself at the header's end (file: URI, QEMU 9+). A header is 4 KiB ("HOSPES-SAVE 1"); a spec
/// too large for that (a long extra=, many disks) gets a larger header, in 4 KiB steps up to 1 MiB, whose magic line
/// says where the stream starts ("HOSPES-SAVE 2 OFFSET", #28).
/// </summary>
internal static class SaveFile
{
    public const int StreamOffset = 4096;
    public const int MaxHeaderBytes = 1 << 20;
    private const string Magic = "HOSPES-SAVE 1\n";
    private const string Magic2 = "HOSPES-SAVE 2 ";

    /// <summary>Writes the header to a new file; returns where QEMU's stream starts.</summary>
    public static int WriteHeader(string path, SaveHeader header)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, HospesJson.Options);
        byte[] magic = Encoding.ASCII.GetBytes(Magic);
        int offset = StreamOffset;
        if (magic.Length + json.Length + 1 > StreamOffset)
        {
            // The magic line holds the offset: at most 7 digits for 1 MiB.
            offset = (Magic2.Length + 8 + json.Length + 1 + StreamOffset - 1) / StreamOffset * StreamOffset;
            magic = Encoding.ASCII.GetBytes($"{Magic2}{offset.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n");
        }

        if (offset > MaxHeaderBytes)
        {
            throw new HospesException(HospesError.Invalid($"the spec of {header.Spec.Name} is too large for a save header ({json.Length} bytes; at most {MaxHeaderBytes >> 10} KiB)"));
        }

        byte[] block = new byte[offset];
        magic.CopyTo(block, 0);
        json.CopyTo(block, magic.Length);
        block[magic.Length + json.Length] = (byte)'\n';
        // The guest's whole RAM (its keys and passwords) follows the header: for root alone, whatever the umask.
        using var f = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = StateModes.File });
        f.Write(block);
        return offset;
    }

    public static Result<SaveHeader> ReadHeader(string path)
    {
        if (!File.Exists(path))
        {
            return HospesError.NotFound($"save file {path} does not exist");
        }

        byte[] block = new byte[StreamOffset];
        int offset = StreamOffset;
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Read))
        {
            if (f.Length <= StreamOffset || f.ReadAtLeast(block, StreamOffset, throwOnEndOfStream: false) < StreamOffset)
            {
                return HospesError.Invalid($"{path} is not a Hospes save file (too short)");
            }

            if (block.AsSpan().StartsWith(Encoding.ASCII.GetBytes(Magic2)))
            {
                int eol = Array.IndexOf(block, (byte)'\n');
                string given = eol < 0 ? "" : Encoding.ASCII.GetString(block, Magic2.Length, eol - Magic2.Length);
                if (!int.TryParse(given, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out offset)
                    || offset <= StreamOffset || offset > MaxHeaderBytes || offset % StreamOffset != 0 || f.Length <= offset)
                {
                    return HospesError.Invalid($"{path}: damaged save header: its stream offset '{given}' is not a multiple of 4 KiB up to 1 MiB inside the file");
                }

                byte[] whole = new byte[offset];
                block.CopyTo(whole, 0);
                f.ReadExactly(whole, StreamOffset, offset - StreamOffset);
                block = whole;
            }
        }

        string text = Encoding.UTF8.GetString(block).TrimEnd('\0');
        int jsonStart = offset == StreamOffset ? Magic.Length : text.IndexOf('\n', StringComparison.Ordinal) + 1;
        if (offset == StreamOffset && !text.StartsWith(Magic, StringComparison.Ordinal))
        {
            return HospesError.Invalid($"{path} is not a Hospes save file (it does not start with '{Magic.Trim()}'); make one with `hospes save VM FILE`");
        }

        try
        {
            SaveHeader? header = JsonSerializer.Deserialize<SaveHeader>(text[jsonStart..].Trim(), HospesJson.Options);
            return header is null ? HospesError.Invalid($"{path}: empty save header") : header with { StreamOffset = offset };
        }
        catch (JsonException e)
        {
            return HospesError.Invalid($"{path}: damaged save header: {e.Message}");
        }
    }
}
