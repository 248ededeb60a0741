using Hospes.Host.Access;

namespace Hospes.Host.Tests.Access;

public class AccessNamesTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("team3-ce")]
    [InlineData("a.b_c")]
    public void PlainNames_AreValid(string name)
    {
        Assert.Null(AccessNames.User(name));
        Assert.Null(AccessNames.Group(name));
        Assert.Null(AccessNames.Project(name));
    }

    [Theory]
    [InlineData("", "user '': the name is empty; for example hospes user create NAME with a name like team3-ce")]
    [InlineData("3lab", "user '3lab': the name must start with a letter; for example hospes user create NAME with a name like team3-ce")]
    [InlineData("al!ce", "user 'al!ce': the name contains '!'; use letters, digits, '-', '_' and '.'; for example hospes user create NAME with a name like team3-ce")]
    [InlineData("a23456789012345678901234567890123", "user 'a23456789012345678901234567890123': the name is 33 characters long; at most 32 are allowed; for example hospes user create NAME with a name like team3-ce")]
    public void ABadUserName_IsRefused_WithTheProblemAndTheFix(string name, string message)
    {
        Assert.Equal(message, AccessNames.User(name)?.Message);
    }

    [Theory]
    [InlineData("Token", "alice!ci", true)]
    [InlineData("Token", "alice", false)]
    [InlineData("Token", "alice!c!i", false)]
    [InlineData("Group", "team 3", false)]
    [InlineData("User", "alice", true)]
    public void ASubjectsName_IsCheckedForItsKind(string kind, string name, bool valid)
    {
        Assert.Equal(valid, AclSubject.Create(Enum.Parse<SubjectKind>(kind), name).IsOk);
    }
}
