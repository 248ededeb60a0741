using Hospes.Core.Errors;
using Hospes.Host.Access;

namespace Hospes.Host.Tests.Access;

public class CustomRolesTests
{
    [Fact]
    public void ARole_FromNamedPrivileges_InAnyCase()
    {
        Role role = CustomRoles.Create("Snapshotter", ["VM.Audit", "vm.snapshot"]).Value;

        Assert.Equal("VM.Audit, VM.Snapshot", role.Privileges.ToString());
        Assert.False(role.BuiltIn);
    }

    [Fact]
    public void EveryProblem_IsReported_AtOnce()
    {
        HospesError error = CustomRoles.Create("bad role", ["VM.Audit", "VM.Everything", "Sys.Root"]).Error!;

        Assert.Equal("role 'bad role': 3 problems", error.Message);
        Assert.StartsWith("role 'bad role': the name contains ' '", error.Details[0], StringComparison.Ordinal);
        Assert.StartsWith("role 'bad role': 'VM.Everything' is not a privilege; they are VM.Audit, VM.Console,", error.Details[1], StringComparison.Ordinal);
        Assert.StartsWith("role 'bad role': 'Sys.Root' is not a privilege", error.Details[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Admin")]
    [InlineData("admin")]
    [InlineData("NOACCESS")]
    public void ABuiltInRolesName_IsTaken(string name)
    {
        HospesError error = CustomRoles.Create(name, ["VM.Audit"]).Error!;

        Assert.Equal(ErrorCode.Conflict, error.Code);
        Assert.EndsWith("is a built-in role; give the custom role another name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARoleWithoutPrivileges_IsRefused()
    {
        Assert.Equal("role 'Empty': no privileges given; name at least one (for NoAccess use the built-in role)", CustomRoles.Create("Empty", []).Error?.Message);
    }

    [Fact]
    public void TheBuiltInRoles_AreTheIssues()
    {
        Assert.Equal(["Admin", "ProjectAdmin", "Operator", "LabStudent", "DatastoreUser", "Auditor", "NoAccess"], BuiltInRoles.All.Select(r => r.Name));
        Assert.True(BuiltInRoles.All.All(r => r.Privileges.IsSubsetOf(BuiltInRoles.Admin.Privileges)));
        Assert.True(BuiltInRoles.LabStudent.Privileges.IsSubsetOf(BuiltInRoles.Operator.Privileges));
        Assert.True(BuiltInRoles.Operator.Privileges.IsSubsetOf(BuiltInRoles.ProjectAdmin.Privileges));
        Assert.False(BuiltInRoles.ProjectAdmin.Privileges.Contains(Privilege.SysModify));
    }
}
