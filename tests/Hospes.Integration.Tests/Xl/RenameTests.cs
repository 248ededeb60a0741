using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Xl;

/// <summary>
/// xl rename on a running guest through the real CLI, hospesd in a network namespace of the test's: the guest runs on
/// under its new name, and its console, port forward, `hospes ssh` and ACL grants answer to that name.
/// </summary>
public sealed class RenameTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private NetNs _ns = null!;
    private Daemon _d = null!;

    public async Task InitializeAsync()
    {
        _ns = await NetNs.CreateAsync();
        _d = await Daemon.StartAsync(image, _ns);
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        await _ns.DisposeAsync();
    }

    [Fact]
    public async Task ARunningGuest_IsRenamed_ItsConsoleForwardSshAndGrantsFollow_TheOldNameIsFree_AndItGoesBack()
    {
        await Guest.CreateAsync(_d, "web", "vif = [ '' ]");
        VmInfo before = await _d.InfoAsync("web");
        (await _d.CliAsync("port-forward", "add", "web", "2222:22")).Ok();
        (await _d.CliWithInputAsync("correct horse battery\n", "user", "create", "alice", "--password-stdin")).Ok();
        (await _d.CliAsync("acl", "set", "/projects/default/vms/web", "--user", "alice", "--role", "LabStudent")).Ok();

        Assert.Equal("web: renamed to www", (await _d.CliAsync("rename", "web", "www")).Ok().Stdout.Trim());

        // The same guest, still running in the same QEMU.
        VmInfo after = await _d.InfoAsync("www");
        Assert.Equal((before.Uuid, before.Pid, before.Id, VmState.Running), (after.Uuid, after.Pid, after.Id, after.State));
        Assert.Equal(["www"], (await _d.JsonAsync<List<VmInfo>>("list")).Select(v => v.Name));
        Assert.Contains("no VM named 'web'", (await _d.CliAsync("info", "web")).Fails(), StringComparison.Ordinal);

        // Its console log, its port forward (still taking connections), hospes ssh and its grants (its disks' rows: RenameTests of the VM floor).
        Assert.Contains(Guest.Ready, (await _d.CliAsync("console", "www", "--show-log")).Ok().Stdout, StringComparison.Ordinal);
        Assert.Equal("ok", await GuestShell.RunAsync(_d, "www", "echo ok"));
        PortForwardInfo forward = Assert.Single(await _d.JsonAsync<List<PortForwardInfo>>("port-forward", "list"));
        Assert.Equal(("www", 2222), (forward.Vm, forward.HostPort));
        Assert.StartsWith("SSH-2.0-dropbear", await _ns.TcpBannerFromOutsideAsync(NetNs.HostOutsideAddress, 2222), StringComparison.Ordinal);
        CliResult ssh = await _d.CliAsync("ssh", "www", "--", "cat /proc/sys/kernel/ostype");
        Assert.True(ssh.ExitCode == 0, ssh.Stderr);
        Assert.Equal("Linux", ssh.Stdout.Trim());
        AclEntryInfo grant = Assert.Single(await _d.JsonAsync<List<AclEntryInfo>>("acl", "list"));
        Assert.Equal(("/projects/default/vms/www", "alice"), (grant.Path, grant.Subject));

        // Refusals change nothing.
        (await _d.CliAsync("define", _d.WriteConfig("db.cfg", Guest.Config("db")))).Ok();
        Assert.Contains("a VM named 'db' already exists", (await _d.CliAsync("rename", "www", "db")).Fails(), StringComparison.Ordinal);
        Assert.Contains("the name contains '/'", (await _d.CliAsync("rename", "www", "a/b")).Fails(), StringComparison.Ordinal);
        Assert.Equal("www", (await _d.InfoAsync("www")).Name);

        // The old name is free: a new VM takes it, goes, and the guest takes its name back.
        (await _d.CliAsync("define", _d.WriteConfig("web.cfg", Guest.Config("web")))).Ok();
        (await _d.CliAsync("delete", "web")).Ok();
        (await _d.CliAsync("rename", "www", "web")).Ok();
        Assert.Equal(before.Pid, (await _d.InfoAsync("web")).Pid);
        Assert.Equal("ok", await GuestShell.RunAsync(_d, "web", "echo ok"));
        Assert.Equal("web", Assert.Single(await _d.JsonAsync<List<PortForwardInfo>>("port-forward", "list")).Vm);
        Assert.Equal("/projects/default/vms/web", Assert.Single(await _d.JsonAsync<List<AclEntryInfo>>("acl", "list")).Path);

        // Stopped, renamed, started: the next QEMU has the new name.
        (await _d.CliAsync("destroy", "web")).Ok();
        (await _d.CliAsync("rename", "web", "web2")).Ok();
        (await _d.CliAsync("start", "web2")).Ok();
        await _d.WaitForConsoleAsync("web2", Guest.Ready);
        int pid = (await _d.InfoAsync("web2")).Pid!.Value;
        Assert.Contains("guest=web2,", File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '), StringComparison.Ordinal);
        (await _d.CliAsync("delete", "web2", "--force")).Ok();
        (await _d.CliAsync("delete", "db")).Ok();
    }
}
