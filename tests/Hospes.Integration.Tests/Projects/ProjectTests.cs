using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Projects;

/// <summary>
/// Projects through the real CLI on a real hospesd (issue 14): `--project` puts VMs in a project and lists only its
/// own, limits refuse a define and a start with the arithmetic and leave nothing behind, and a project is not deleted
/// while it holds anything. Nothing here boots a guest: the refusals come before any QEMU.
/// </summary>
public sealed class ProjectTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task TwoProjects_EachListsItsOwnVms_AndAnotherProjectsVmIsNotThere()
    {
        (await _d.CliAsync("project", "create", "lab1")).Ok();
        (await _d.CliAsync("project", "create", "lab2")).Ok();
        (await _d.CliAsync("--project", "lab1", "define", _d.WriteConfig("a.cfg", Guest.Config("a")))).Ok();
        (await _d.CliAsync("define", "--project", "lab2", _d.WriteConfig("b.cfg", Guest.Config("b")))).Ok();
        (await _d.CliAsync("define", _d.WriteConfig("c.cfg", Guest.Config("c")))).Ok();

        List<VmInfo> lab1 = await _d.JsonAsync<List<VmInfo>>("list", "--project", "lab1");
        Assert.Equal([("a", "lab1")], lab1.Select(v => (v.Name, v.Project)));
        Assert.Equal(["b"], (await _d.JsonAsync<List<VmInfo>>("--project", "lab2", "list")).Select(v => v.Name));
        string[] table = (await _d.CliAsync("list")).Ok().Stdout.TrimEnd().Split('\n');
        Assert.Matches(@"\sProject$", table[0]);
        Assert.Equal(["a lab1", "b lab2", "c default"], table.Skip(1).Select(l => $"{l.Split(' ')[0]} {l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]}"));

        Assert.Equal("hospes: no VM a in project lab2", (await _d.CliAsync("--project", "lab2", "info", "a")).Fails());
        Assert.Equal("hospes: no project lab9; create it with hospes project create lab9", (await _d.CliAsync("--project", "lab9", "list")).Fails());
        Assert.Equal("lab1", (await _d.InfoAsync("a")).Project);
    }

    [Fact]
    public async Task AVmLimit_RefusesTheSecondDefine_WithTheArithmetic_AndLeavesNoRowNorDisk()
    {
        (await _d.CliAsync("project", "create", "lab1", "--limit", "vms=1")).Ok();
        string source = Path.Combine(_d.Dir, "data.qcow2");
        await Disks.ToolAsync("qemu-img", "create", "-f", "qcow2", source, "16M");
        (await _d.CliAsync("image", "import", source, "--name", "data")).Ok();
        string withDisk = "disk = [ 'image:data,qcow2,xvda,w' ]";
        (await _d.CliAsync("--project", "lab1", "define", _d.WriteConfig("a.cfg", Guest.Config("a", withDisk)))).Ok();
        string[] foldersBefore = Directory.GetDirectories(Path.Combine(_d.StateDir, "vms"));

        string reason = (await _d.CliAsync("--project", "lab1", "create", _d.WriteConfig("b.cfg", Guest.Config("b", withDisk)))).Fails();

        Assert.Equal("hospes: project lab1: 1 of 1 VMs used, creating b would make 2; raise the limit with hospes project set lab1 --limit vms=2 or delete a VM; nothing was created", reason);
        Assert.Equal(["a"], (await _d.ListAsync()).Select(v => v.Name));
        Assert.DoesNotContain(await _d.JsonAsync<List<VolumeInfo>>("disk", "list"), v => v.Name.StartsWith("b/", StringComparison.Ordinal));
        Assert.Equal(foldersBefore, Directory.GetDirectories(Path.Combine(_d.StateDir, "vms")));
        Assert.Empty(_d.Qemus());

        (await _d.CliAsync("project", "set", "lab1", "--limit", "vms=2")).Ok();
        (await _d.CliAsync("--project", "lab1", "define", _d.WriteConfig("b.cfg", Guest.Config("b", withDisk)))).Ok();
        ProjectInfo lab1 = await _d.JsonAsync<ProjectInfo>("project", "show", "lab1");
        Assert.Equal((2, 2), (lab1.Usage.Vms, lab1.Limits.Vms));
    }

    [Fact]
    public async Task AMemoryLimit_RefusesAStart_WithTheArithmetic_AndNoQemuRuns()
    {
        (await _d.CliAsync("project", "create", "lab1", "--limit", "memory=128M", "--limit", "vcpus=4")).Ok();
        (await _d.CliAsync("--project", "lab1", "define", _d.WriteConfig("a.cfg", Guest.Config("a")))).Ok();

        string reason = (await _d.CliAsync("start", "a")).Fails();

        Assert.Equal("hospes: cannot start a: project lab1: 0 MiB of 128 MiB memory used, starting a would make 192 MiB; raise the limit with hospes project set lab1 --limit memory=192M or stop a VM", reason);
        Assert.Empty(_d.Qemus());
        Assert.Equal(Hospes.Contracts.Vms.VmState.Shutoff, (await _d.InfoAsync("a")).State);
        string created = (await _d.CliAsync("--project", "lab1", "create", _d.WriteConfig("b.cfg", Guest.Config("b")))).Fails();
        Assert.StartsWith("hospes: project lab1: 0 MiB of 128 MiB memory used, creating b would make 192 MiB", created, StringComparison.Ordinal);
        Assert.Equal(["a"], (await _d.ListAsync()).Select(v => v.Name));
    }

    [Fact]
    public async Task AProject_IsNotDeletedWhileItHoldsAVm_AndDefaultNever()
    {
        (await _d.CliAsync("project", "create", "lab1")).Ok();
        (await _d.CliAsync("--project", "lab1", "define", _d.WriteConfig("a.cfg", Guest.Config("a")))).Ok();

        Assert.Equal(
            "hospes: cannot delete project lab1: it holds 1 object(s): vm a; delete them first (`hospes --project lab1 list` shows its VMs)",
            (await _d.CliAsync("project", "delete", "lab1")).Fails());
        Assert.StartsWith("hospes: the project default cannot be deleted", (await _d.CliAsync("project", "delete", "default")).Fails(), StringComparison.Ordinal);

        (await _d.CliAsync("delete", "a")).Ok();
        (await _d.CliAsync("project", "delete", "lab1")).Ok();
        Assert.Equal(["default"], (await _d.JsonAsync<List<ProjectInfo>>("project", "list")).Select(p => p.Name));
    }
}
