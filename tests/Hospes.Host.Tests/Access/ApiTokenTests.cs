using Hospes.Host.Access;

namespace Hospes.Host.Tests.Access;

public class ApiTokenTests
{
    [Fact]
    public void ANewToken_ReadsBackFromItsString()
    {
        ApiToken token = ApiToken.New();
        string text = token.ToString();

        Assert.Matches("^hospes_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", text);
        Assert.Equal(token, ApiToken.Parse(text));
    }

    [Fact]
    public void TwoTokens_DifferInIdAndSecret()
    {
        ApiToken a = ApiToken.New();
        ApiToken b = ApiToken.New();

        Assert.NotEqual(a.Id, b.Id);
        Assert.NotEqual(a.Secret, b.Secret);
    }

    [Fact]
    public void OnlyTheSecretsHash_IsKept_AndMatchesOnlyThatSecret()
    {
        ApiToken token = ApiToken.New();

        Assert.Matches("^[0-9a-f]{64}$", token.SecretSha256);
        Assert.DoesNotContain(token.Secret, token.SecretSha256, StringComparison.Ordinal);
        Assert.True(token.Matches(token.SecretSha256));
        Assert.False(ApiToken.New().Matches(token.SecretSha256));
        Assert.False(token.Matches("short"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hospes_")]
    [InlineData("hospes1.0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("hospes_0123456789ABCDEF_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("hospes_0123456789abcdef-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("hospes_0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+")]
    [InlineData("hospes_0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void AStringOfAnotherShape_IsNoToken(string text)
    {
        Assert.Null(ApiToken.Parse(text));
    }

    [Fact]
    public void ASecretWithAnUnderscore_StillParses()
    {
        const string text = "hospes_0123456789abcdef_a_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

        Assert.Equal(new ApiToken("0123456789abcdef", "a_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), ApiToken.Parse(text));
    }
}
