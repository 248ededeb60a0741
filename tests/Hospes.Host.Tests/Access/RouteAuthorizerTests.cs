using Hospes.Contracts;
using Hospes.Host.Access;

namespace Hospes.Host.Tests.Access;

public class RouteAuthorizerTests
{
    private static AccessDecision Ask(Principal who, string method, string template, string? name = "team3-ce", string project = "lab1") =>
        RouteAuthorizer.Check(Lab.Policy, who, method, template, p => p switch
        {
            "project" => project,
            "name" or "vm" => name,
            "snapshot" => "clean",
            _ => null,
        });

    [Theory]
    [InlineData("GET", Routes.Vm, true)]
    [InlineData("POST", Routes.VmStart, true)]
    [InlineData("POST", Routes.VmDestroy, true)]
    [InlineData("GET", Routes.VmConsole, true)]
    [InlineData("GET", Routes.VmTcp, true)]
    [InlineData("POST", Routes.VmSnapshotRevert, true)]
    [InlineData("GET", Routes.Vms, true)]
    [InlineData("POST", Routes.ConfigCheck, true)]
    [InlineData("POST", Routes.VmSnapshots, false)]
    [InlineData("DELETE", Routes.Vm, false)]
    [InlineData("PUT", Routes.VmMemoryTarget, false)]
    [InlineData("POST", Routes.VmMigrate, false)]
    [InlineData("POST", Routes.VmSave, false)]
    [InlineData("GET", Routes.Host, false)]
    [InlineData("POST", Routes.HostTokens, false)]
    public void ALabStudent_OnTheirVm_MaySeeConsolePowerAndRevert_Only(string method, string template, bool allowed)
    {
        Assert.Equal(allowed, Ask(Principal.OfUser("carol"), method, template).Allowed);
    }

    [Fact]
    public void ARefusal_NamesThePrivilege_ThePath_AndAGrantThatWouldDo()
    {
        Assert.Equal(
            "carol may not DELETE /v1/vms/{name}: it needs VM.Allocate on /projects/lab1/vms/team3-ce; ask someone who may grant it (hospes acl set /projects/lab1/vms/team3-ce --user carol --role ProjectAdmin)",
            Ask(Principal.OfUser("carol"), "DELETE", Routes.Vm).Refusal);
        Assert.Contains("--token tina!narrow --role Operator", Ask(Principal.OfToken("tina", "narrow", true), "POST", Routes.VmSnapshots).Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherProjectsVm_IsRefused()
    {
        Assert.False(Ask(Principal.OfUser("tina"), "POST", Routes.VmStart, project: "lab2").Allowed);
        Assert.True(Ask(Principal.OfUser("tina"), "POST", Routes.VmStart).Allowed);
    }

    [Fact]
    public void ARouteNamingAHostFile_NeedsSysModify_EvenForAProjectAdmin()
    {
        Assert.Contains("Sys.Modify on /", Ask(Principal.OfUser("tina"), "POST", Routes.VmSave).Refusal, StringComparison.Ordinal);
        Assert.True(Ask(Principal.OfUser("ada"), "POST", Routes.VmSave).Allowed);
    }

    [Fact]
    public void AStoreRoute_TakesTheDiskFromTheQuery_WholeWithItsSlash()
    {
        var policy = new AccessPolicy([], [Lab.Entry("/projects/lab1/disks/web/xvda", "user:carol", "Auditor")], Lab.Groups);

        AccessDecision decision = RouteAuthorizer.Check(policy, Principal.OfUser("carol"), "GET", Routes.Disk, p => p == "project" ? "lab1" : p == "name" ? "web/xvda" : null);

        Assert.True(decision.Allowed, decision.Refusal);
    }

    [Fact]
    public void ARequestWithoutTheObjectsName_IsRefused()
    {
        Assert.Equal("the request lacks its name parameter; name the object it is for", Ask(Principal.OfUser("ada"), "GET", Routes.Vm, name: null).Refusal);
    }

    [Fact]
    public void PeerRoutes_AreNeverAUsers()
    {
        Assert.False(Ask(Principal.OfUser("ada"), "POST", Routes.PeerMigrations).Allowed);
        Assert.False(Ask(Principal.LocalAdmin("root"), "GET", Routes.PeerHello).Allowed);
    }

    [Fact]
    public void ARouteWithoutARule_IsClosed_ToAllButTheLocalAdmin()
    {
        Assert.StartsWith("GET /v1/new has no access rule", Ask(Principal.OfUser("ada"), "GET", "/v1/new").Refusal, StringComparison.Ordinal);
        Assert.True(Ask(Principal.LocalAdmin("root"), "GET", "/v1/new").Allowed);
    }
}
