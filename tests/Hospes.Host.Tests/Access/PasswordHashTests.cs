using Hospes.Host.Access;

namespace Hospes.Host.Tests.Access;

public class PasswordHashTests
{
    private static readonly string Stored = PasswordHash.Create("s3cret");

    [Fact]
    public void AHash_CarriesItsSchemeCountAndSalt_AndVerifiesOnlyItsPassword()
    {
        Assert.Matches(@"^pbkdf2-sha256\$600000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$", Stored);
        Assert.True(PasswordHash.Verify("s3cret", Stored));
        Assert.False(PasswordHash.Verify("S3cret", Stored));
    }

    [Fact]
    public void TheSamePassword_GetsAnotherSalt()
    {
        Assert.NotEqual(Stored, PasswordHash.Create("s3cret"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("md5$1$x$y")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$600000$not base64$AAAA")]
    public void AMalformedOrWeakStoredHash_VerifiesNothing(string stored)
    {
        Assert.False(PasswordHash.Verify("s3cret", stored));
    }

    [Fact]
    public void AStoredHash_WithFewerIterations_IsRefused_EvenWithTheRightPassword()
    {
        string[] parts = Stored.Split('$');
        string weakened = string.Join('$', parts[0], "1000", parts[2], parts[3]);

        Assert.False(PasswordHash.Verify("s3cret", weakened));
    }
}
