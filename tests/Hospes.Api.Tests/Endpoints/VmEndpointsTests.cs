using System.Net;
using Hospes.Client;
using Hospes.Contracts;
using Hospes.Contracts.Vms;

namespace Hospes.Api.Tests.Endpoints;

/// <summary>The VM routes through the typed client: statuses, refusals as errors, the wire's VM.</summary>
public sealed class VmEndpointsTests
{
    [Fact]
    public async Task Define_Start_Pause_AndRefusals_AnswerWithTheirStatuses()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        string path = api.Config("web");

        CreateVmResponse created = await api.Client.Vms.CreateAsync(new CreateVmRequest { Source = new ConfigRequest { Config = await File.ReadAllTextAsync(path), ConfigPath = path }, Start = false }, CancellationToken.None);
        Assert.Equal(VmState.Shutoff, created.Vm.State);
        Assert.Equal(128, created.Vm.MemoryMib);

        VmInfo started = await api.Client.Vms.StartAsync("web", CancellationToken.None);
        Assert.Equal(VmState.Running, started.State);
        Assert.Equal(api.Qemu.Last!.Pid, started.Pid);

        HospesApiException twice = await Assert.ThrowsAsync<HospesApiException>(() => api.Client.Vms.StartAsync("web", CancellationToken.None));
        Assert.Equal((409, "invalid_state"), ((int?)twice.Status, twice.Code));
        Assert.Equal("cannot start web: it is running", twice.Message);

        HospesApiException running = await Assert.ThrowsAsync<HospesApiException>(() => api.Client.Vms.DeleteAsync("web", force: false, CancellationToken.None));
        Assert.Equal("cannot delete web: it is running; shut it down or destroy it first, or use --force", running.Message);

        VmInfo deleted = await api.Client.Vms.DeleteAsync("web", force: true, CancellationToken.None);
        Assert.Equal("web", deleted.Name);
        Assert.Empty(await api.Client.Vms.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AVmThatIsNotThere_IsNotFound()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage r = await api.Http.GetAsync(new Uri(Routes.Path(Routes.Vm, "nope"), UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Contains("no VM named 'nope' on this host", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_AnswersItsDiagnostics_AndDefinesNothing()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        ConfigCheckResponse check = await api.Client.Host.CheckConfigAsync(new ConfigRequest { Config = "name = \"x\"\nmemory = \"lots\"\n", ConfigPath = "/srv/x.cfg" }, CancellationToken.None);

        Assert.False(check.Ok);
        Diagnostic memory = Assert.Single(check.Diagnostics, d => d.Message.StartsWith("memory:", StringComparison.Ordinal));
        Assert.Equal(("error", "/srv/x.cfg", 2, 10), (memory.Severity, memory.File, memory.Line, memory.Column));
        Assert.Empty(await api.Client.Vms.ListAsync(CancellationToken.None));
    }
}
