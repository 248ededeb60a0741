using Hospes.Client.Tests.Support;
using Hospes.Contracts;
using Wire = Hospes.Contracts.Vms;

namespace Hospes.Client.Tests;

/// <summary>What each group sends: the route with escaped segments, the query, and a snake_case body.</summary>
public sealed class RequestTests : IDisposable
{
    private readonly StubHandler _stub = new();

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task NamesAreEscaped_AsOneSegmentOrAsTheQuery()
    {
        using HospesClient client = Client(
            ("GET", "/v1/vms/a%20b", "{\"name\":\"a b\"}"),
            ("GET", "/v1/disk?name=web%2Fxvda", "{\"name\":\"web/xvda\",\"kind\":\"vm-disk\",\"path\":\"/p\",\"format\":\"qcow2\"}"),
            ("POST", "/v1/vms/web/snapshots/before%2Fafter/revert", "{\"name\":\"before/after\"}"));

        await client.Vms.GetAsync("a b", default);
        await client.Store.GetDiskAsync("web/xvda", default);
        await client.Store.RevertSnapshotAsync("web", "before/after", default);

        Assert.Equal(["GET /v1/vms/a%20b", "GET /v1/disk?name=web%2Fxvda", "POST /v1/vms/web/snapshots/before%2Fafter/revert"], _stub.Requests.Select(r => r.Request));
    }

    [Fact]
    public async Task OptionsBecomeTheQueryOrTheRoute()
    {
        using HospesClient client = Client(
            ("DELETE", "/v1/vms/web?force=true", "{\"name\":\"web\"}"),
            ("DELETE", "/v1/vms/web", "{\"name\":\"web\"}"),
            ("GET", "/v1/disks/check", "{\"ok\":true}"),
            ("GET", "/v1/disks/check?name=d", "{\"ok\":true}"),
            ("DELETE", "/v1/vms/web/port-forwards/udp/5353", "{\"vm\":\"web\",\"protocol\":\"udp\",\"guest_ip\":\"10.0.0.2\",\"network\":\"n\"}"),
            ("GET", "/v1/port-forwards", "[]"),
            ("GET", "/v1/vms/web/port-forwards", "[]"));

        await client.Vms.DeleteAsync("web", force: true, default);
        await client.Vms.DeleteAsync("web", force: false, default);
        await client.Store.CheckAsync(null, default);
        await client.Store.CheckAsync("d", default);
        await client.Networks.RemovePortForwardAsync("web", "udp", 5353, default);
        await client.Networks.ListPortForwardsAsync(null, default);
        await client.Networks.ListPortForwardsAsync("web", default);

        Assert.Equal(7, _stub.Requests.Count);
    }

    [Fact]
    public async Task Bodies_AreSnakeCase_AndActionsWithoutOneSendNone()
    {
        using HospesClient client = Client(
            ("POST", "/v1/vms/web/shutdown", "{\"name\":\"web\"}"),
            ("POST", "/v1/vms/web/start", "{\"name\":\"web\"}"),
            ("POST", "/v1/images/tiny/build", "{\"image\":{\"name\":\"tiny\",\"kind\":\"tiny\"},\"rebuilt\":true,\"log\":[]}"));

        await client.Vms.ShutdownAsync("web", new ShutdownRequest { TimeoutS = 20, Force = true }, default);
        await client.Vms.StartAsync("web", default);
        await client.Images.BuildAsync(new ImageBuildRequest { Kind = "tiny", SizeBytes = 1024 }, default);

        Assert.Equal("{\"timeout_s\":20,\"force\":true}", _stub.Requests[0].Body);
        Assert.Null(_stub.Requests[1].Body);
        Assert.Contains("\"size_bytes\":1024", _stub.Requests[2].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWireEnum_ReadsAsItsSnakeCaseName()
    {
        using HospesClient client = Client(("GET", "/v1/vms/web", "{\"name\":\"web\",\"state\":\"paused\",\"spec\":{\"name\":\"web\",\"on_reboot\":\"rename_restart\",\"boot\":\"hvm\"}}"));

        VmInfo vm = await client.Vms.GetAsync("web", default);

        Assert.Equal(Wire.VmState.Paused, vm.State);
        Assert.Equal((Wire.LifecycleAction.RenameRestart, Wire.BootMode.Hvm), (vm.Spec!.OnReboot, vm.Spec.Boot));
    }

    private HospesClient Client(params (string Method, string Path, string Json)[] answers)
    {
        foreach ((string method, string path, string json) in answers)
        {
            _stub.On(method, path, json);
        }

        return new HospesClient(HospesConnection.Over(_stub));
    }
}
