using System.Buffers.Binary;
using System.Text;
using Hospes.Core.Errors;
using Hospes.Storage.Tests.Tiny.Support;
using Hospes.Storage.Tiny.Ssh;

namespace Hospes.Storage.Tests.Tiny.Ssh;

/// <summary>Keys made by the real ssh-keygen, read back as OpenSSH and dropbear see them.</summary>
public sealed class Ed25519KeyFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task PublicLine_IsWhatSshKeygenDerives_AndDropbearsFileHoldsTheSameKey()
    {
        string key = await KeygenAsync("k", "");
        string[] fromKeygen = (await Tool.RunAsync("ssh-keygen", "-y", "-f", _dir.File("k"))).Trim().Split(' ');

        string line = Ed25519KeyFile.PublicLine(key).Value!;
        byte[] dropbear = Ed25519KeyFile.ToDropbear(key).Value!;

        Assert.Equal($"{fromKeygen[0]} {fromKeygen[1]}", line);
        byte[] publicBlob = Convert.FromBase64String(fromKeygen[1]);
        byte[] publicKey = publicBlob[^32..];
        Assert.Equal("ssh-ed25519", Encoding.ASCII.GetString(Field(dropbear, 0, out int next)));
        byte[] secret = Field(dropbear, next, out int end);
        Assert.Equal(64, secret.Length);
        Assert.Equal(publicKey, secret[32..]);
        Assert.Equal(dropbear.Length, end);
    }

    [Fact]
    public async Task EncryptedDamagedOrOtherKeys_AreRefused_SayingWhy()
    {
        string encrypted = await KeygenAsync("e", "a passphrase");
        string whole = await KeygenAsync("w", "");
        string damaged = whole.Replace(whole.Split('\n')[2], new string('A', whole.Split('\n')[2].Length), StringComparison.Ordinal);

        Assert.Contains("it is encrypted", Ed25519KeyFile.PublicLine(encrypted).Error!.Message, StringComparison.Ordinal);
        Assert.Contains("not an OpenSSH private key", Ed25519KeyFile.ToDropbear("ssh-ed25519 AAAA").Error!.Message, StringComparison.Ordinal);
        Assert.Contains("not base64", Ed25519KeyFile.PublicLine("-----BEGIN OPENSSH PRIVATE KEY-----\n!!\n-----END OPENSSH PRIVATE KEY-----").Error!.Message, StringComparison.Ordinal);
        Result<string> broken = Ed25519KeyFile.PublicLine(damaged);
        Assert.False(broken.IsOk);
        Assert.StartsWith("SSH host key cannot be used: ", broken.Error!.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private async Task<string> KeygenAsync(string name, string passphrase)
    {
        await Tool.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "test", "-f", _dir.File(name));
        return await File.ReadAllTextAsync(_dir.File(name));
    }

    private static byte[] Field(byte[] data, int at, out int next)
    {
        int length = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at, 4));
        next = at + 4 + length;
        return data[(at + 4)..next];
    }
}
