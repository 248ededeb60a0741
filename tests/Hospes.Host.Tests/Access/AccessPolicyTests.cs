using Hospes.Host.Access;
using static Hospes.Host.Access.Privilege;

namespace Hospes.Host.Tests.Access;

public class AccessPolicyTests
{
    public static TheoryData<string, string, string, string, bool> Rules => new()
    {
        // An entry propagates down the path by default.
        { "propagates from /", "ada", "Sys.Modify", "/", true },
        { "propagates from /", "ada", "VM.Config", "/projects/lab1/vms/web", true },
        // Group entries apply to their members only.
        { "a group's role", "tina", "VM.Allocate", "/projects/lab1/vms", true },
        { "a group's role stops at its project", "tina", "VM.Allocate", "/projects/lab2/vms", false },
        { "a group's role holds no more than the role", "tina", "Sys.Modify", "/", false },
        // propagate = off: on the path itself only.
        { "no propagation: on the path", "pat", "VM.Audit", "/projects/lab1", true },
        { "no propagation: not below", "pat", "VM.Audit", "/projects/lab1/vms/web", false },
        // A deeper path replaces what a shallower one gave.
        { "shallower path where nothing deeper", "carol", "VM.Snapshot", "/projects/lab1/vms/web", true },
        { "deeper path beats shallower", "carol", "VM.Snapshot", "/projects/lab1/vms/team3-ce", false },
        { "deeper path's own role", "carol", "VM.PowerMgmt", "/projects/lab1/vms/team3-ce", true },
        // On one path a user's own entry replaces its groups'.
        { "user's own entry beats its group's", "erin", "VM.Snapshot", "/projects/lab1/vms/web", false },
        { "user's own entry's role", "erin", "VM.PowerMgmt", "/projects/lab1/vms/web", true },
        { "the group's role for the others", "dave", "VM.Snapshot", "/projects/lab1/vms/web", true },
        // NoAccess among the deciding roles leaves nothing.
        { "NoAccess from one group beats another group's role", "carol", "VM.Console", "/projects/lab1/vms/secret", false },
        { "without the NoAccess group the role stands", "erin", "VM.Console", "/projects/lab1/vms/secret", true },
        { "NoAccess beats Admin on the same path", "dave", "VM.Audit", "/projects/lab2/vms/x", false },
        { "NoAccess on a project", "carol", "VM.Audit", "/projects/lab2/vms/x", false },
        { "a deeper grant under NoAccess", "carol", "VM.Console", "/projects/lab2/vms/open", true },
        // Nothing granted, nothing held; a deleted role grants nothing.
        { "no entries", "nobody", "VM.Audit", "/projects/lab1/vms/web", false },
        { "a role that no longer exists", "gone", "VM.Audit", "/projects/lab3/vms/x", false },
        { "a custom role", "sam", "VM.Snapshot", "/projects/lab3/vms/x", true },
        { "a custom role holds only its privileges", "sam", "VM.PowerMgmt", "/projects/lab3/vms/x", false },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Evaluation_FollowsProxmoxsRules(string rule, string user, string privilegeName, string path, bool allowed)
    {
        Assert.True(PrivilegeNames.TryParse(privilegeName, out Privilege privilege), privilegeName);
        Assert.True(Lab.Policy.Allows(Principal.OfUser(user), privilege, Lab.Path(path)) == allowed, $"{rule}: {user} {PrivilegeNames.Name(privilege)} on {path} should be {(allowed ? "allowed" : "refused")}");
    }

    [Fact]
    public void TheLocalAdmin_HoldsEverything_Everywhere_WithoutAnEntry()
    {
        Assert.Equal(PrivilegeSet.All, Lab.Policy.PrivilegesOf(Principal.LocalAdmin("root"), Lab.Path("/projects/lab2/vms/x")));
        Assert.Equal(PrivilegeSet.All, AccessPolicy.Empty.PrivilegesOf(Principal.LocalAdmin("root"), AclPath.Root));
    }

    [Fact]
    public void ALabStudent_HoldsExactlySeeConsolePowerAndRevert()
    {
        Assert.Equal("VM.Audit, VM.Console, VM.PowerMgmt, VM.Snapshot.Rollback", Lab.Policy.PrivilegesOf(Principal.OfUser("carol"), Lab.Path("/projects/lab1/vms/team3-ce")).ToString());
    }

    [Fact]
    public void TheListFilter_KeepsWhatTheUserMaySee()
    {
        string[] vms = ["web", "team3-ce", "secret"];
        Func<AclPath, bool> visible = Lab.Policy.Filter(Principal.OfUser("carol"), VmAudit);

        Assert.Equal(["web", "team3-ce"], vms.Where(v => visible(AclPath.Of("projects", "lab1", "vms", v))));
        Assert.DoesNotContain(vms, v => Lab.Policy.Filter(Principal.OfUser("carol"), VmAudit)(AclPath.Of("projects", "lab2", "vms", v)));
        Assert.Equal(vms, vms.Where(v => Lab.Policy.Filter(Principal.LocalAdmin("root"), VmAudit)(AclPath.Of("projects", "lab2", "vms", v))));
    }
}
