using Hospes.Core.Errors;
using Hospes.Host.Access;

namespace Hospes.Host.Tests.Access;

public class CredentialsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string Hash = PasswordHash.Create("correct horse");
    private static readonly UserRecord Alice = new("alice", Hash, Now.AddDays(30), Enabled: true, Now.AddDays(-1));

    [Fact]
    public void TheRightPassword_MakesTheUser()
    {
        Principal who = Credentials.Password(Alice, "correct horse", Now).Value;

        Assert.Equal(Principal.OfUser("alice"), who);
    }

    [Theory]
    [InlineData("alice", "wrong horse")]
    [InlineData("alice", "")]
    [InlineData("nobody", "correct horse")]
    [InlineData("no-password", "correct horse")]
    public void AWrongUserOrPassword_GetsOneAnswer(string user, string password)
    {
        UserRecord? row = user switch
        {
            "alice" => Alice,
            "no-password" => Alice with { Name = user, PasswordHash = null },
            _ => null,
        };

        Assert.Equal(Credentials.WrongPassword, Credentials.Password(row, password, Now).Error?.Message);
    }

    [Fact]
    public void AnExpiredUser_WithTheRightPassword_IsToldSo_WithTheWrongOne_IsNot()
    {
        UserRecord expired = Alice with { Expires = Now.AddSeconds(-1) };

        Assert.Equal("user alice expired at 2026-12-06 09:59:59Z; an admin extends it with hospes user set alice --expires DATE", Credentials.Password(expired, "correct horse", Now).Error?.Message);
        Assert.Equal(Credentials.WrongPassword, Credentials.Password(expired, "guess", Now).Error?.Message);
    }

    [Fact]
    public void ADisabledUser_IsRefused()
    {
        Assert.Equal("user alice is disabled; an admin enables it with hospes user set alice --enable", Credentials.Password(Alice with { Enabled = false }, "correct horse", Now).Error?.Message);
    }

    [Fact]
    public void ATokenOfAnEnabledUser_MakesTheTokensPrincipal()
    {
        (ApiToken token, TokenRecord row) = Token(privilegeSeparated: true);

        Principal who = Credentials.Token(token.ToString(), id => id == row.Id ? row : null, _ => Alice with { PasswordHash = null }, Now).Value;

        Assert.Equal(Principal.OfToken("alice", "ci", privilegeSeparated: true), who);
        Assert.Equal("alice!ci", who.Display);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("hospes_0123")]
    [InlineData("Bearer hospes_0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void AMalformedToken_IsRefused_WithItsShape(string presented)
    {
        HospesError? error = Credentials.Token(presented, _ => throw new InvalidOperationException("no lookup for a malformed token"), _ => Alice, Now).Error;

        Assert.StartsWith("the token is malformed: a Hospes token looks like hospes_<16 hex digits>_<43 characters>", error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownRevokedOrWrongToken_GetsOneAnswer()
    {
        (ApiToken token, TokenRecord row) = Token(privilegeSeparated: false);
        var wrongSecret = new ApiToken(token.Id, ApiToken.New().Secret);

        Assert.Equal(Credentials.WrongToken, Credentials.Token(token.ToString(), _ => null, _ => Alice, Now).Error?.Message);
        Assert.Equal(Credentials.WrongToken, Credentials.Token(wrongSecret.ToString(), _ => row, _ => Alice, Now).Error?.Message);
        Assert.Equal(Credentials.WrongToken, Credentials.Token(token.ToString(), _ => row, _ => null, Now).Error?.Message);
    }

    [Fact]
    public void AnExpiredToken_IsRefused_WithWhenAndWhatToDo()
    {
        (ApiToken token, TokenRecord row) = Token(privilegeSeparated: false);
        row = row with { Expires = Now };

        Assert.Equal("token alice!ci expired at 2026-12-06 10:00:00Z; create a new one with hospes token create alice", Credentials.Token(token.ToString(), _ => row, _ => Alice, Now).Error?.Message);
    }

    [Fact]
    public void ATokenOfADisabledOrExpiredUser_IsRefused()
    {
        (ApiToken token, TokenRecord row) = Token(privilegeSeparated: false);

        Assert.Contains("user alice is disabled", Credentials.Token(token.ToString(), _ => row, _ => Alice with { Enabled = false }, Now).Error?.Message, StringComparison.Ordinal);
        Assert.Contains("user alice expired", Credentials.Token(token.ToString(), _ => row, _ => Alice with { Expires = Now.AddDays(-1) }, Now).Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRefusal_IsUnauthenticated_A401()
    {
        (ApiToken token, TokenRecord row) = Token(privilegeSeparated: false);
        HospesError?[] refusals =
        [
            Credentials.Password(Alice, "wrong", Now).Error,
            Credentials.Password(Alice with { Enabled = false }, "correct horse", Now).Error,
            Credentials.Token("malformed", _ => row, _ => Alice, Now).Error,
            Credentials.Token(token.ToString(), _ => null, _ => Alice, Now).Error,
            Credentials.Token(token.ToString(), _ => row with { Expires = Now }, _ => Alice, Now).Error,
            Credentials.Certificate(Fingerprint, Now.AddDays(-1), Now.AddDays(1), null, _ => Alice, Now).Error,
        ];

        Assert.All(refusals, e => Assert.Equal(ErrorCode.Unauthenticated, e?.Code));
    }

    [Fact]
    public void AMappedCertificate_LogsInAsItsUser_WithinItsValidity()
    {
        var mapping = new UserCertificateRecord(Fingerprint, "alice", "laptop", Now);

        Assert.Equal(Principal.OfUser("alice"), Credentials.Certificate(Fingerprint, Now.AddDays(-1), Now.AddDays(1), mapping, _ => Alice, Now).Value);
        Assert.Equal(
            $"the client certificate {Fingerprint} of user alice is valid only from 2026-12-07 10:00:00Z to 2026-12-08 10:00:00Z; make a new one and map it with hospes cert add alice FILE.pem",
            Credentials.Certificate(Fingerprint, Now.AddDays(1), Now.AddDays(2), mapping, _ => Alice, Now).Error?.Message);
        Assert.Equal(
            $"the client certificate {Fingerprint} is not mapped to a user; an admin maps it with hospes cert add USER FILE.pem, or use a token (Authorization: Bearer)",
            Credentials.Certificate(Fingerprint, Now.AddDays(-1), Now.AddDays(1), mapping, _ => null, Now).Error?.Message);
        Assert.Contains("user alice is disabled", Credentials.Certificate(Fingerprint, Now.AddDays(-1), Now.AddDays(1), mapping, _ => Alice with { Enabled = false }, Now).Error?.Message, StringComparison.Ordinal);
    }

    private const string Fingerprint = "3f1a5c0e9d2b4a6f8e7d1c0b9a8f7e6d5c4b3a291807f6e5d4c3b2a1908f7e6d";

    private static (ApiToken Token, TokenRecord Row) Token(bool privilegeSeparated)
    {
        ApiToken token = ApiToken.New();
        return (token, new TokenRecord(token.Id, "alice", "ci", token.SecretSha256, Now.AddDays(3), privilegeSeparated, Now));
    }
}
