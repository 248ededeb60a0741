using System.Buffers.Binary;
using Hospes.Core.Errors;
using Hospes.Storage.Tiny;

namespace Hospes.Storage.Tests.Tiny;

public sealed class SshKeyArgumentTests
{
    private const string Ed25519Blob = "AAAAC3NzaC1lZDI1NTE5AAAAIOeur/ehmFhuceGjJnCiWU8936U06cDPyjKJE4VdIXLw";
    private const string EcdsaBlob =
        "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBWL+xHgDxxyWc8nvTodb48raC1TFu875BFTH3gUXQvnZ4YNEIhIlYjwB0ok3yVCS2uy1cEkf4SeGChpzKah3G8=";

    [Fact]
    public void SshKeyArgument_Ed25519LineWithComment_GivesTypeColonBlobWithoutComment() =>
        Assert.Equal(
            $"hospes.sshkey=ssh-ed25519:{Ed25519Blob}",
            TinyGuest.SshKeyArgument($"ssh-ed25519 {Ed25519Blob} alice@example with spaces\n").Value);

    [Theory]
    [InlineData("ecdsa-sha2-nistp256 " + EcdsaBlob)]
    [InlineData("  ecdsa-sha2-nistp256\t" + EcdsaBlob + "  ")]
    public void SshKeyArgument_LineWithoutCommentOrWithOddSpacing_IsAccepted(string line) =>
        Assert.Equal($"{TinyGuest.SshKeyParameter}=ecdsa-sha2-nistp256:{EcdsaBlob}", TinyGuest.SshKeyArgument(line).Value);

    [Theory]
    [InlineData("", "it is not 'TYPE BASE64 [COMMENT]'")]
    [InlineData("ssh-ed25519", "it is not 'TYPE BASE64 [COMMENT]'")]
    [InlineData("ssh-ed25519 not*base64 me@x", "the key is not valid base64")]
    [InlineData("ssh-rsa " + Ed25519Blob, "the key data is not a ssh-rsa key")]
    [InlineData("ssh-ed25519 AAAA", "the key data is not a ssh-ed25519 key")]
    [InlineData("from=\"10.0.0.1\" ssh-ed25519 " + Ed25519Blob, "is not a key type (authorized_keys options are not accepted)")]
    [InlineData("ssh-ed25519 " + Ed25519Blob + "\nssh-ed25519 " + Ed25519Blob, "it spans several lines; give one key")]
    public void SshKeyArgument_NotOnePublicKey_IsRefusedSayingWhy(string line, string problem)
    {
        var argument = TinyGuest.SshKeyArgument(line);

        Assert.False(argument.IsOk);
        Assert.Equal(ErrorCode.InvalidArgument, argument.Error.Code);
        Assert.Contains(problem, argument.Error.Message, StringComparison.Ordinal);
        Assert.EndsWith("give a line of an OpenSSH .pub file, e.g. from ssh-keygen -t ed25519", argument.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SshKeyArgument_KeyTooLongForTheKernelCommandLine_IsRefused()
    {
        // An RSA key of 8192 bits: its blob is too long for the 2048-byte command line to carry comfortably.
        byte[] blob = new byte[4 + 7 + 1100];
        BinaryPrimitives.WriteUInt32BigEndian(blob, 7);
        "ssh-rsa"u8.CopyTo(blob.AsSpan(4));

        var argument = TinyGuest.SshKeyArgument($"ssh-rsa {Convert.ToBase64String(blob)} big");

        Assert.False(argument.IsOk);
        Assert.StartsWith("SSH public key ssh-rsa is 1506 characters as a kernel parameter, more than the 1024 ", argument.Error.Message, StringComparison.Ordinal);
    }
}
