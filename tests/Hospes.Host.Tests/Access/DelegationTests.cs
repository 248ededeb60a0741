using Hospes.Core.Errors;
using Hospes.Host.Access;

namespace Hospes.Host.Tests.Access;

public class DelegationTests
{
    private static HospesError? Grant(Principal granter, string path, string subject, string role) =>
        Delegation.Check(Lab.Policy, granter, Lab.Entry(path, subject, role));

    [Theory]
    [InlineData("tina", "/projects/lab1/vms/team3-ce", "group:team3", "LabStudent")]
    [InlineData("tina", "/projects/lab1", "user:newbie", "Operator")]
    [InlineData("tina", "/projects/lab1", "user:newbie", "ProjectAdmin")]
    [InlineData("tina", "/projects/lab1/vms/web", "user:carol", "NoAccess")]
    [InlineData("ada", "/projects/lab1", "user:newbie", "Admin")]
    [InlineData("ada", "/", "group:teachers", "Auditor")]
    public void AGrant_WithinTheGrantersPrivileges_IsAllowed(string granter, string path, string subject, string role)
    {
        Assert.Null(Grant(Principal.OfUser(granter), path, subject, role));
    }

    [Fact]
    public void AProjectAdmin_GrantingAdmin_IsRefused_WithWhatItLacks()
    {
        HospesError? error = Grant(Principal.OfUser("tina"), "/projects/lab1", "user:carol", "Admin");

        Assert.Equal(
            "tina may not grant role Admin on /projects/lab1: it holds VM.Migrate, Project.Allocate, User.Modify, Sys.Audit, Sys.Modify that tina does not hold there; grant a role within your own privileges or ask an admin",
            error?.Message);
    }

    [Fact]
    public void AProjectAdmin_GrantingInAnotherProject_IsRefused_ForPermissionsModify()
    {
        Assert.Equal(
            "tina may not change permissions on /projects/lab2: that needs Permissions.Modify there; ask someone who holds it (hospes acl list /projects/lab2)",
            Grant(Principal.OfUser("tina"), "/projects/lab2", "user:carol", "LabStudent")?.Message);
    }

    [Fact]
    public void AnOperator_GrantingEvenLess_IsRefused()
    {
        Assert.Contains("carol may not change permissions on /projects/lab1/vms/web", Grant(Principal.OfUser("carol"), "/projects/lab1/vms/web", "user:dave", "LabStudent")?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AProjectAdmin_CannotLockTheHostAdminOut()
    {
        Assert.Equal(
            "tina may not change the access of user ada on /projects/lab1: it holds VM.Migrate, Project.Allocate, User.Modify, Sys.Audit, Sys.Modify there that tina does not; ask an admin",
            Grant(Principal.OfUser("tina"), "/projects/lab1", "user:ada", "NoAccess")?.Message);
    }

    [Fact]
    public void AnUnknownRole_IsNamed()
    {
        HospesError? error = Grant(Principal.OfUser("ada"), "/", "user:carol", "Wizard");

        Assert.Equal(ErrorCode.NotFound, error?.Code);
        Assert.Equal("role 'Wizard' does not exist; hospes role list shows the roles, hospes role create makes one", error?.Message);
    }

    [Fact]
    public void ACustomRole_WithinTheGrantersPrivileges_IsAllowed()
    {
        Assert.Null(Grant(Principal.OfUser("tina"), "/projects/lab1", "user:newbie", "Snapshotter"));
    }

    [Fact]
    public void AToken_DelegatesOnlyWhatItHolds()
    {
        Assert.Null(Grant(Principal.OfToken("tina", "full", privilegeSeparated: false), "/projects/lab1", "user:newbie", "LabStudent"));
        Assert.Contains("tina!narrow may not change permissions", Grant(Principal.OfToken("tina", "narrow", privilegeSeparated: true), "/projects/lab1/vms/team3-ce", "user:newbie", "LabStudent")?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLocalAdmin_GrantsAnything()
    {
        Assert.Null(Grant(Principal.LocalAdmin("root"), "/", "user:ada", "NoAccess"));
    }
}
