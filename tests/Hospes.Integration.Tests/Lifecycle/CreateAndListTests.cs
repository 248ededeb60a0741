using System.Text.Json;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Lifecycle;

public sealed class CreateAndListTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task Create_BootsTheTinyGuestToItsReadyMarker_AndListShowsIt()
    {
        string cfg = _d.WriteConfig("web.cfg", Guest.Config("web"));

        CliResult created = (await _d.CliAsync("create", cfg)).Ok();
        Assert.StartsWith("web: running (id ", created.Stdout, StringComparison.Ordinal);
        await _d.WaitForConsoleAsync("web", Guest.Ready);
        await using (GuestConsole console = await _d.OpenConsoleAsync("web"))
        {
            await console.SendLineAsync("echo \"host=$(hostname)\"");
            await console.WaitForAsync("^host=web\r?$");
        }

        CliResult json = (await _d.CliAsync("list", "--format", "json")).Ok();
        using JsonDocument doc = JsonDocument.Parse(json.Stdout);
        JsonElement vm = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal("web", vm.GetProperty("name").GetString());
        Assert.True(vm.GetProperty("id").GetInt32() > 0);
        Assert.Equal(192, vm.GetProperty("memory_mib").GetInt32());
        Assert.Equal(1, vm.GetProperty("vcpus").GetInt32());
        Assert.Equal("running", vm.GetProperty("state").GetString());
        Assert.True(vm.GetProperty("cpu_time_s").GetDouble() > 0);

        string table = (await _d.CliAsync("list")).Ok().Stdout;
        string[] lines = table.TrimEnd().Split('\n');
        Assert.Matches(@"^Name\s+ID\s+Mem\(MiB\)\s+VCPUs\s+State\s+Time\(s\)\s+Project$", lines[0]);
        Assert.Matches(@"^web\s+\d+\s+192\s+1\s+[r-][b-]----\s+\d+\.\d\s+default$", lines[1]);

        VmInfo info = await _d.InfoAsync("web");
        Assert.Equal("microvm", info.Machine);
        Assert.Equal("tcg", info.Accel);
        Assert.Equal(info.Pid, Assert.Single(_d.Qemus()));
    }

    [Fact]
    public async Task Create_WithOverrides_DefinesASecondVmFromTheSameFile()
    {
        string cfg = _d.WriteConfig("web.cfg", Guest.Config("web"));
        (await _d.CliAsync("create", cfg)).Ok();

        (await _d.CliAsync("create", cfg, "memory=160", "name=web2")).Ok();

        VmInfo web2 = await _d.InfoAsync("web2");
        Assert.Equal(160, web2.MemoryMib);
        Assert.Equal(VmState.Running, web2.State);
        await _d.WaitForConsoleAsync("web2", Guest.Ready);
        Assert.Equal(2, (await _d.ListAsync()).Count);
        Assert.Equal(2, _d.Qemus().Count);
    }

    [Fact]
    public async Task Create_WithADuplicateName_IsRefused_AndChangesNothing()
    {
        string cfg = await Guest.CreateAsync(_d, "web");
        VmInfo before = await _d.InfoAsync("web");

        string reason = (await _d.CliAsync("create", cfg)).Fails();

        Assert.Contains("a VM named 'web' already exists", reason, StringComparison.Ordinal);
        VmInfo after = await _d.InfoAsync("web");
        Assert.Equal(before.Pid, after.Pid);
        Assert.Single(await _d.ListAsync());
        Assert.Single(_d.Qemus());
    }

    [Fact]
    public async Task Console_WithPipedInput_RunsTheCommandInTheGuestShell()
    {
        await Guest.CreateAsync(_d, "web");

        CliResult r = (await _d.CliWithInputAsync("echo answer-$((6*7))\n", "console", "web")).Ok();

        Assert.Contains("answer-42", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Define_DoesNotStart_ThenStartBootsIt()
    {
        string cfg = _d.WriteConfig("web.cfg", Guest.Config("web"));

        (await _d.CliAsync("define", cfg)).Ok();
        VmInfo defined = await _d.InfoAsync("web");
        Assert.Equal(VmState.Shutoff, defined.State);
        Assert.Null(defined.Id);
        Assert.Empty(_d.Qemus());

        (await _d.CliAsync("start", "web")).Ok();
        await _d.WaitForConsoleAsync("web", Guest.Ready);
        Assert.Equal(VmState.Running, (await _d.InfoAsync("web")).State);
    }
}
