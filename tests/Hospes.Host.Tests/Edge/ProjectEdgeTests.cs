using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Edge;
using Hospes.Host.State;
using Hospes.Host.Tests.Storage;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Edge;

/// <summary>Projects at the edge: whose an object is, what a list shows, and the 404 of another project's object.</summary>
public sealed class ProjectEdgeTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly StoreFloor _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 calls IAsyncLifetime on a test class, never IAsyncDisposable (its folders were left in /tmp).
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task ObjectProjects_ReadsEachObjectsOwnProject()
    {
        await SetUpAsync();
        var projects = new ObjectProjects(_store.Floor.Vms, _store.Floor.Volumes, _store.Floor.Networks);

        Assert.Equal("lab1", projects.ProjectOf("vms", "web"));
        Assert.Equal("default", projects.ProjectOf("vms", "db"));
        Assert.Equal("lab1", projects.ProjectOf("disks", "data"));
        Assert.Equal("lab1", projects.ProjectOf("disks", "web/xvda"));
        Assert.Equal("lab1", projects.ProjectOf("templates", "golden"));
        Assert.Null(projects.ProjectOf("disks", "base"));
        Assert.Null(projects.ProjectOf("vms", "nope"));

        // A template is made in its VM's project: naming another is refused, nothing made.
        Result<Hospes.Host.Storage.TemplateView> elsewhere = await _store.Templates.CreateAsync("web", "g2", CancellationToken.None, "default");
        Assert.Equal("no VM web in project default; a template is made in its VM's project (lab1): give --project lab1", elsewhere.Error!.Message);
        Assert.DoesNotContain(_store.Floor.Volumes.Templates(), t => t.Name == "g2");
    }

    [Fact]
    public async Task Lists_ShowTheProjectAsked_AndWhatTheFilterLetsThrough()
    {
        await SetUpAsync();
        var vms = new VmsApi(_store.Floor.Vms, new VmCreator(_store.Floor.Vms), specs: null!); // lists read no spec policy

        Assert.Equal(["db", "web"], vms.List().Select(v => v.Name));
        Assert.Equal(["web"], vms.List("lab1").Select(v => v.Name));
        Assert.Equal(["db"], vms.List(null, (project, _) => project == "default").Select(v => v.Name));
        Assert.Empty(vms.List("lab1", (_, name) => name == "db"));
        Assert.Equal("lab1", vms.List("lab1").Single().Project);
    }

    [Fact]
    public async Task ARequestNamingAnotherProjectsObject_Is404_AndAnUnknownProjectSaysHowToMakeIt()
    {
        await SetUpAsync();
        var gate = new AccessGate(_store.Floor.Db, new ObjectProjects(_store.Floor.Vms, _store.Floor.Volumes, _store.Floor.Networks));
        Func<string, string?> web = p => p == "name" ? "web" : null;

        Assert.True(gate.CheckProject("POST", "/v1/vms/{name}/start", "lab1", web).IsOk);
        Result<bool> other = gate.CheckProject("POST", "/v1/vms/{name}/start", "default", web);
        Assert.Equal((ErrorCode.NotFound, "no VM web in project default"), (other.Error!.Code, other.Error.Message));
        Assert.Equal("no disk data in project default", gate.CheckProject("GET", "/v1/disk", "default", p => p == "name" ? "data" : null).Error!.Message);
        Assert.Equal("no project lab9; create it with hospes project create lab9", gate.CheckProject("GET", "/v1/vms", "lab9", _ => null).Error!.Message);
        Assert.True(gate.CheckProject("GET", "/v1/vms", "lab1", _ => null).IsOk);
    }

    [Fact]
    public async Task AProject_IsNotDeletedWhileItHoldsAnything_AndDefaultNever()
    {
        await SetUpAsync();
        var projects = new ProjectService(_store.Floor.Db, _store.Floor.Vms, _store.Floor.Volumes, _store.Floor.Networks, TimeProvider.System);

        Result<ProjectView> refused = projects.Delete("lab1");

        Assert.Equal(
            "cannot delete project lab1: it holds 3 object(s): vm web, template golden, disk data; delete them first (`hospes --project lab1 list` shows its VMs)",
            refused.Error!.Message);
        Assert.Equal(ErrorCode.InvalidArgument, projects.Delete("default").Error!.Code);
        Assert.True(projects.Create("empty", new ProjectLimits(Vms: 2)).IsOk);
        Assert.True(projects.Delete("empty").IsOk);
        Assert.Equal(ErrorCode.NotFound, projects.Get("empty").Error!.Code);
        Assert.Equal(new ProjectUsage(1, 0, 0), projects.Get("lab1").Value.Usage);
    }

    /// <summary>lab1 holds VM web (on image base), template golden and disk data; default holds VM db.</summary>
    private async Task SetUpAsync()
    {
        Assert.True(_store.Floor.Db.TryInsertProject(new ProjectRecord("lab1", ProjectLimits.None, DateTimeOffset.UtcNow)));
        await _store.ImageAsync("base");
        await _store.Floor.DefineAsync(_store.Floor.Spec("web", s => s with
        {
            Disks = [new Core.Vms.DiskSpec { Target = "image:base", Vdev = "xvda", Format = "qcow2" }],
        }), "lab1");
        await _store.Floor.DefineAsync(_store.Floor.Spec("db"));
        Assert.True((await _store.Templates.CreateAsync("web", "golden", CancellationToken.None)).IsOk);
        Assert.True((await _store.Disks.CreateAsync("data", 1L << 30, "qcow2", CancellationToken.None, "lab1")).IsOk);
    }
}
