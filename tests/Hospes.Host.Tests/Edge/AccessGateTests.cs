using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Edge;
using Hospes.Host.State;
using Hospes.Host.Tests.Access;

namespace Hospes.Host.Tests.Edge;

/// <summary>The API's door: each check decided on the project of the object it names, collections on the request's; lists filtered; reload.</summary>
public sealed class AccessGateTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly StateDb _db;
    private readonly AccessGate _gate;
    private readonly Caller _carol = new(Principal.OfUser("carol"), "127.0.0.1");

    public AccessGateTests()
    {
        _db = new StateDb(_dir.File("h.db"));
        // carol is ProjectAdmin of lab1 and may use nothing in lab2.
        _db.SetAcl(new AclEntry(AclPath.Of("projects", "lab1"), AclSubject.User("carol"), "ProjectAdmin"));
        _gate = new AccessGate(_db, new Projects());
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ARouteNamingAVm_IsDecidedOnTheVmsOwnProject_WhateverProjectTheRequestNames()
    {
        Assert.True(Authorize("POST", "/v1/vms/{name}/start", ("name", "web1")).IsOk);
        Assert.True(Authorize("POST", "/v1/vms/{name}/start", ("name", "web1"), ("project", "lab2")).IsOk);

        Result<bool> refused = Authorize("POST", "/v1/vms/{name}/start", ("name", "secret"), ("project", "lab1"));
        Assert.Equal(ErrorCode.Forbidden, refused.Error!.Code);
        Assert.Equal(
            "carol may not POST /v1/vms/{name}/start: it needs VM.PowerMgmt on /projects/lab2/vms/secret; ask someone who may grant it (hospes acl set /projects/lab2/vms/secret --user carol --role LabStudent)",
            refused.Error!.Message);
    }

    [Fact]
    public void ACreate_IsDecidedOnTheProjectTheRequestNames_DefaultWhenNone()
    {
        Assert.True(Authorize("POST", "/v1/vms", ("project", "lab1")).IsOk);
        Assert.Contains("on /projects/lab2/vms", Authorize("POST", "/v1/vms", ("project", "lab2")).Error!.Message, StringComparison.Ordinal);
        Assert.Contains("on /projects/default/vms", Authorize("POST", "/v1/vms").Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AClone_NeedsTheTemplatesUse_InItsProject_AndVmAllocate_WhereTheClonesGo()
    {
        Assert.True(Authorize("POST", "/v1/templates/{name}/clone", ("name", "base1")).IsOk);
        Assert.True(Authorize("POST", "/v1/templates/{name}/clone", ("name", "base1"), ("project", "lab1")).IsOk);

        // Into lab2 from lab1's template: VM.Allocate on lab2 is missing.
        Assert.Contains("VM.Allocate on /projects/lab2/vms", Authorize("POST", "/v1/templates/{name}/clone", ("name", "base1"), ("project", "lab2")).Error!.Message, StringComparison.Ordinal);

        // From lab2's template into lab1: Datastore.Use on lab2's template is missing.
        Assert.Contains("Datastore.Use on /projects/lab2/templates/base2", Authorize("POST", "/v1/templates/{name}/clone", ("name", "base2"), ("project", "lab1")).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AList_ShowsEachItemByItsPrivilegeOnItsPath()
    {
        Func<string, string, bool> visible = _gate.ListFilter(_carol, "GET", "/v1/vms");

        Assert.True(visible("lab1", "web1"));
        Assert.False(visible("lab2", "secret"));
        Assert.False(_gate.ListFilter(_carol, "POST", "/v1/vms")("lab1", "web1"));
        Assert.True(_gate.ListFilter(Caller.LocalAdmin("root"), "GET", "/v1/vms")("lab2", "secret"));
    }

    [Fact]
    public void AnAclChange_CountsAfterReload_NotBefore()
    {
        _db.SetAcl(new AclEntry(AclPath.Of("projects", "lab2", "vms", "secret"), AclSubject.User("carol"), "LabStudent"));
        Assert.False(Authorize("POST", "/v1/vms/{name}/start", ("name", "secret")).IsOk);

        _gate.Reload();

        Assert.True(Authorize("POST", "/v1/vms/{name}/start", ("name", "secret")).IsOk);
        Assert.False(Authorize("DELETE", "/v1/vms/{name}", ("name", "secret")).IsOk);
    }

    [Fact]
    public void ALocalAdmin_MayDoAnything_EvenOnARouteWithoutARule_AndAUserNot()
    {
        Assert.True(_gate.Authorize(Caller.LocalAdmin("root"), "GET", "/v1/nothing", _ => null).IsOk);
        Assert.Contains("has no access rule", Authorize("GET", "/v1/nothing").Error!.Message, StringComparison.Ordinal);
    }

    private Result<bool> Authorize(string method, string template, params (string Key, string Value)[] values) =>
        _gate.Authorize(_carol, method, template, k => values.FirstOrDefault(v => v.Key == k).Value);

    private sealed class Projects : IObjectProjects
    {
        public string? ProjectOf(string collection, string name) => (collection, name) switch
        {
            ("vms", "web1") => "lab1",
            ("vms", "secret") => "lab2",
            ("templates", "base1") => "lab1",
            ("templates", "base2") => "lab2",
            _ => null,
        };
    }
}
