using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Hospes.Core.Errors;

namespace Hospes.Storage.Tiny.Ssh;

/// <summary>
/// An OpenSSH public key line ("ssh-ed25519 AAAA... comment") checked and reduced to its type and base64 blob,
/// the two parts /etc/rc writes to authorized_keys.
/// </summary>
internal static partial class SshPublicKey
{
    /// <summary>
    /// Room for an RSA 4096 key with more to spare; the whole kernel command line holds 2048 bytes on x86.
    /// </summary>
    public const int MaxArgumentLength = 1024;

    /// <summary>Splits a key line; the error says what is wrong with it.</summary>
    public static Result<(string Type, string Blob)> Parse(string line)
    {
        string trimmed = line.Trim();
        if (trimmed.Contains('\n', StringComparison.Ordinal) || trimmed.Contains('\r', StringComparison.Ordinal))
        {
            return Invalid(line, "it spans several lines; give one key");
        }

        string[] fields = trimmed.Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
        {
            return Invalid(line, "it is not 'TYPE BASE64 [COMMENT]'");
        }

        (string type, string blob) = (fields[0], fields[1]);
        if (!KeyType().IsMatch(type))
        {
            return Invalid(line, $"'{Shorten(type)}' is not a key type (authorized_keys options are not accepted)");
        }

        byte[] bytes = new byte[blob.Length];
        if (!Convert.TryFromBase64String(blob, bytes, out int length))
        {
            return Invalid(line, "the key is not valid base64");
        }

        if (!StartsWithType(bytes.AsSpan(0, length), type))
        {
            return Invalid(line, $"the key data is not a {type} key");
        }

        return (type, blob);
    }

    /// <summary>A key blob starts with its own type as an SSH string: a big-endian length, then the name.</summary>
    private static bool StartsWithType(ReadOnlySpan<byte> blob, string type)
    {
        if (blob.Length < 4)
        {
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        return length <= (uint)(blob.Length - 4) && Encoding.ASCII.GetString(blob.Slice(4, (int)length)) == type;
    }

    private static HospesError Invalid(string line, string problem) =>
        HospesError.Invalid($"SSH public key '{Shorten(line.Trim())}' cannot be used: {problem}; give a line of an OpenSSH .pub file, e.g. from ssh-keygen -t ed25519");

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    [GeneratedRegex("^[a-z0-9][a-z0-9@.-]*$")]
    private static partial Regex KeyType();
}
