using System.Net;
using Hospes.Client;
using Hospes.Contracts;

namespace Hospes.Api.Tests.Endpoints;

/// <summary>?project= on the wire: creates go there, lists show only it, another project's object is 404; /v1/projects.</summary>
public sealed class ProjectEndpointsTests
{
    [Fact]
    public async Task ACreateWithAProject_PutsTheVmThere_AndAListWithOneShowsOnlyItsVms()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await api.Client.Projects.CreateAsync(new ProjectCreateRequest { Name = "lab1" }, CancellationToken.None);

        await CreateAsync(api, "web", "lab1");
        await CreateAsync(api, "db", null);

        Assert.Equal([("db", "default"), ("web", "lab1")], (await api.Client.Vms.ListAsync(CancellationToken.None)).Select(v => (v.Name, v.Project)));
        api.Client.Connection.Project = "lab1";
        Assert.Equal(["web"], (await api.Client.Vms.ListAsync(CancellationToken.None)).Select(v => v.Name));
        Assert.Equal("web", (await api.Client.Vms.GetAsync("web", CancellationToken.None)).Name);

        HttpResponseMessage other = await api.Http.GetAsync(new Uri("/v1/vms/db?project=lab1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Contains("no VM db in project lab1", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownProject_Is404_WithHowToMakeIt_OnACreateAndAList()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        api.Client.Connection.Project = "lab9";

        HospesApiException create = await Assert.ThrowsAsync<HospesApiException>(() => CreateAsync(api, "web", null));
        HospesApiException list = await Assert.ThrowsAsync<HospesApiException>(() => api.Client.Vms.ListAsync(CancellationToken.None));

        Assert.Equal((404, "no project lab9; create it with hospes project create lab9"), ((int?)create.Status, create.Message));
        Assert.Equal("no project lab9; create it with hospes project create lab9", list.Message);
        api.Client.Connection.Project = null;
        Assert.Empty(await api.Client.Vms.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Projects_ShowLimitsAndUsage_TheirLimitsChange_AndAnEmptyOneIsDeleted()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        ProjectInfo made = await api.Client.Projects.CreateAsync(new ProjectCreateRequest { Name = "lab1", Limits = new ProjectLimitsInfo { Vms = 1, MemoryMib = 1024 } }, CancellationToken.None);
        Assert.Equal((1, 1024L, (int?)null), (made.Limits.Vms!.Value, made.Limits.MemoryMib!.Value, made.Limits.Vcpus));
        await CreateAsync(api, "web", "lab1");

        HospesApiException second = await Assert.ThrowsAsync<HospesApiException>(() => CreateAsync(api, "db", "lab1"));
        Assert.StartsWith("project lab1: 1 of 1 VMs used, creating db would make 2", second.Message, StringComparison.Ordinal);

        ProjectInfo set = await api.Client.Projects.SetAsync("lab1", new ProjectSetRequest { Limits = new ProjectLimitsInfo { Vms = 2 }, Unset = ["memory"] }, CancellationToken.None);
        Assert.Equal((2, (long?)null), (set.Limits.Vms!.Value, set.Limits.MemoryMib));
        Assert.Equal(1, (await api.Client.Projects.GetAsync("lab1", CancellationToken.None)).Usage.Vms);
        Assert.Equal(["default", "lab1"], (await api.Client.Projects.ListAsync(CancellationToken.None)).Select(p => p.Name));

        HospesApiException held = await Assert.ThrowsAsync<HospesApiException>(() => api.Client.Projects.DeleteAsync("lab1", CancellationToken.None));
        Assert.Contains("it holds 1 object(s): vm web", held.Message, StringComparison.Ordinal);
        await api.Client.Vms.DeleteAsync("web", force: true, CancellationToken.None);
        await api.Client.Projects.DeleteAsync("lab1", CancellationToken.None);
        Assert.Equal(["default"], (await api.Client.Projects.ListAsync(CancellationToken.None)).Select(p => p.Name));
    }

    private static async Task CreateAsync(ApiHost api, string name, string? project)
    {
        string path = api.Config(name);
        string? before = api.Client.Connection.Project;
        api.Client.Connection.Project = project ?? before;
        try
        {
            await api.Client.Vms.CreateAsync(new CreateVmRequest { Source = new ConfigRequest { Config = await File.ReadAllTextAsync(path), ConfigPath = path }, Start = false }, CancellationToken.None);
        }
        finally
        {
            api.Client.Connection.Project = before;
        }
    }
}
