using Hospes.Contracts;
using Hospes.Host.Access;

namespace Hospes.Host.Tests.Access;

/// <summary>A user manages their own tokens without User.Modify; anyone else's need it on /access.</summary>
public class SelfRuleTests
{
    private static readonly AccessPolicy Policy = new([], [Lab.Entry("/access", "user:uma", "Admin")], Lab.Groups);

    private static AccessDecision Ask(Principal who, string method, string template, string user) =>
        RouteAuthorizer.Check(Policy, who, method, template, p => p switch { "name" => user, "token" => "ci", _ => null });

    [Theory]
    [InlineData("GET", Routes.AccessUserTokens)]
    [InlineData("POST", Routes.AccessUserTokens)]
    [InlineData("DELETE", Routes.AccessUserToken)]
    public void AUser_ManagesTheirOwnTokens_ButNotAnothers(string method, string template)
    {
        Assert.True(Ask(Principal.OfUser("carol"), method, template, "carol").Allowed);
        Assert.True(Ask(Principal.OfToken("carol", "full", privilegeSeparated: false), method, template, "carol").Allowed);

        AccessDecision other = Ask(Principal.OfUser("carol"), method, template, "dave");
        Assert.False(other.Allowed);
        Assert.Contains("it needs User.Modify on /access", other.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void APrivilegeSeparatedToken_MayNotMakeTokensOfItsUser()
    {
        AccessDecision d = Ask(Principal.OfToken("carol", "narrow", privilegeSeparated: true), "POST", Routes.AccessUserTokens, "carol");

        Assert.False(d.Allowed);
        Assert.Equal(
            "carol!narrow may not POST /v1/access/users/{name}/tokens: it needs User.Modify on /access; ask someone who may grant it (hospes acl set /access --token carol!narrow --role Admin)",
            d.Refusal);
    }

    [Fact]
    public void UserModifyOnAccess_ManagesEveryonesTokens_AndUsers()
    {
        Assert.True(Ask(Principal.OfUser("uma"), "POST", Routes.AccessUserTokens, "dave").Allowed);
        Assert.True(Ask(Principal.OfUser("uma"), "DELETE", Routes.AccessUser, "dave").Allowed);
        Assert.False(Ask(Principal.OfUser("carol"), "GET", Routes.AccessUser, "carol").Allowed);
    }

    [Fact]
    public void TheSelfRule_OnlyWaivesWhereTheRuleSaysSo()
    {
        Assert.False(Ask(Principal.OfUser("carol"), "DELETE", Routes.AccessUser, "carol").Allowed);
        Assert.False(Ask(Principal.OfUser("carol"), "PUT", Routes.AccessUser, "carol").Allowed);
    }
}
