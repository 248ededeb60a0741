using System.Buffers.Binary;
using System.Text;
using Hospes.Core.Errors;

namespace Hospes.Storage.Tiny.Ssh;

/// <summary>
/// An ed25519 private key as ssh-keygen writes it (OpenSSH's own format, unencrypted), read for what a guest's SSH
/// server and `hospes ssh` need of it: dropbear's key file (dropbear 2022 reads no OpenSSH keys) and the public line.
/// </summary>
public static class Ed25519KeyFile
{
    public const string KeyType = "ssh-ed25519";

    private const string Begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private const string End = "-----END OPENSSH PRIVATE KEY-----";
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("openssh-key-v1\0");

    /// <summary>The key in dropbear's format (<c>dropbear -r FILE</c>): the type, then the 32-byte seed and 32-byte public key.</summary>
    public static Result<byte[]> ToDropbear(string openSshPrivateKey)
    {
        Result<(byte[] Public, byte[] Secret)> key = Read(openSshPrivateKey);
        if (!key.IsOk)
        {
            return key.Error;
        }

        var blob = new List<byte>();
        PutString(blob, Encoding.ASCII.GetBytes(KeyType));
        PutString(blob, key.Value.Secret);
        return blob.ToArray();
    }

    /// <summary>"ssh-ed25519 BASE64", the line known_hosts and authorized_keys hold.</summary>
    public static Result<string> PublicLine(string openSshPrivateKey)
    {
        Result<(byte[] Public, byte[] Secret)> key = Read(openSshPrivateKey);
        return key.IsOk ? $"{KeyType} {Convert.ToBase64String(key.Value.Public)}" : key.Error;
    }

    /// <summary>The public key blob and the 64 secret bytes (seed, then public key).</summary>
    private static Result<(byte[] Public, byte[] Secret)> Read(string text)
    {
        int from = text.IndexOf(Begin, StringComparison.Ordinal);
        int to = text.IndexOf(End, StringComparison.Ordinal);
        if (from < 0 || to < from)
        {
            return Invalid("it is not an OpenSSH private key (no BEGIN/END OPENSSH PRIVATE KEY lines)");
        }

        byte[] data;
        try
        {
            data = Convert.FromBase64String(string.Concat(text[(from + Begin.Length)..to].Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
            return Invalid("its body is not base64");
        }

        var r = new Reader(data);
        if (!r.Take(Magic.Length).SequenceEqual(Magic))
        {
            return Invalid("it does not start with openssh-key-v1");
        }

        string cipher = Encoding.ASCII.GetString(r.String()), kdf = Encoding.ASCII.GetString(r.String());
        _ = r.String();
        if (cipher != "none" || kdf != "none")
        {
            return Invalid($"it is encrypted ({cipher}, {kdf}); Hospes makes its keys without a passphrase");
        }

        if (r.UInt32() != 1)
        {
            return Invalid("it holds more than one key");
        }

        byte[] publicBlob = r.String();
        var p = new Reader(r.String());
        uint check1 = p.UInt32(), check2 = p.UInt32();
        if (check1 != check2)
        {
            return Invalid("its check numbers differ (a damaged file)");
        }

        string type = Encoding.ASCII.GetString(p.String());
        byte[] pub = p.String(), secret = p.String();
        if (type != KeyType || pub.Length != 32 || secret.Length != 64 || !secret.AsSpan(32).SequenceEqual(pub) || r.Failed || p.Failed)
        {
            return Invalid($"it is not a whole {KeyType} key");
        }

        return (publicBlob, secret);
    }

    private static void PutString(List<byte> to, byte[] value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)value.Length);
        to.AddRange(length.ToArray());
        to.AddRange(value);
    }

    private static HospesError Invalid(string problem) => HospesError.Invalid($"SSH host key cannot be used: {problem}");

    /// <summary>SSH wire reading that never throws: past the end it yields empty values and remembers it failed.</summary>
    private sealed class Reader(byte[] data)
    {
        private int _at;

        public bool Failed { get; private set; }

        public byte[] Take(int n)
        {
            if (n < 0 || n > data.Length - _at)
            {
                Failed = true;
                _at = data.Length;
                return [];
            }

            byte[] bytes = data[_at..(_at + n)];
            _at += n;
            return bytes;
        }

        public uint UInt32()
        {
            byte[] b = Take(4);
            return b.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(b) : 0;
        }

        public byte[] String()
        {
            uint n = UInt32();
            return n > int.MaxValue ? Take(-1) : Take((int)n);
        }
    }
}
