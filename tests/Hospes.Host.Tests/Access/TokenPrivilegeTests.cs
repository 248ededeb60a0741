using Hospes.Host.Access;
using static Hospes.Host.Access.Privilege;

namespace Hospes.Host.Tests.Access;

/// <summary>A token never holds more than its user: a full one holds the same, a separated one its own entries ∩ its user's.</summary>
public class TokenPrivilegeTests
{
    private static PrivilegeSet Of(Principal who, string path) => Lab.Policy.PrivilegesOf(who, Lab.Path(path));

    [Fact]
    public void AFullToken_HoldsItsUsersPrivileges_AndIgnoresItsOwnEntries()
    {
        Principal token = Principal.OfToken("carol", "full", privilegeSeparated: false);

        Assert.Equal(Of(Principal.OfUser("carol"), "/projects/lab1/vms/team3-ce"), Of(token, "/projects/lab1/vms/team3-ce"));
        Assert.False(Lab.Policy.Allows(token, SysModify, AclPath.Root));
    }

    [Fact]
    public void ASeparatedToken_WithAdminOnRoot_StillHoldsOnlyItsUsers()
    {
        Principal token = Principal.OfToken("carol", "wide", privilegeSeparated: true);

        Assert.Equal(Of(Principal.OfUser("carol"), "/projects/lab1/vms/team3-ce"), Of(token, "/projects/lab1/vms/team3-ce"));
        Assert.True(Of(token, "/").IsEmpty);
        Assert.False(Lab.Policy.Allows(token, VmSnapshot, Lab.Path("/projects/lab1/vms/team3-ce")));
    }

    [Fact]
    public void ASeparatedToken_WithoutEntries_HoldsNothing()
    {
        Assert.True(Of(Principal.OfToken("tina", "other", privilegeSeparated: true), "/projects/lab1/vms/web").IsEmpty);
    }

    [Fact]
    public void ASeparatedToken_OfAProjectAdmin_HoldsOnlyWhatItsEntriesGive()
    {
        Principal token = Principal.OfToken("tina", "narrow", privilegeSeparated: true);

        Assert.Equal(BuiltInRoles.LabStudent.Privileges, Of(token, "/projects/lab1/vms/team3-ce"));
        Assert.True(Of(token, "/projects/lab1/vms/web").IsEmpty);
    }

    [Fact]
    public void ATokensOwnEntries_AreNotItsUsersGroups()
    {
        // A separated token's own entries are those naming it; its user's groups' entries are not among them.
        var policy = new AccessPolicy([], [Lab.Entry("/projects/lab1", "group:students", "Operator")], Lab.Groups);

        Assert.True(policy.PrivilegesOf(Principal.OfToken("carol", "t", privilegeSeparated: true), Lab.Path("/projects/lab1/vms/web")).IsEmpty);
    }
}
