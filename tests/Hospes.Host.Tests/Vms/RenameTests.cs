using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Access;
using Hospes.Host.Cluster;
using Hospes.Host.Machine;
using Hospes.Host.Tests.Machine;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Host.Vms;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Vms;

/// <summary>xl rename on the VM floor: every row that holds the name follows it in one step; every refusal changes nothing.</summary>
public sealed class RenameTests
{
    [Fact]
    public async Task ARunningVm_IsRenamed_WithItsDisksGrantsTemplatesAndForwards_AndItsQemuRunsOn()
    {
        await using var floor = new VmFloor();
        var claims = new RecordingClaims();
        VmManager vms = Manager(floor, claims);
        VmActor vm = await floor.StartedAsync("web");
        Guid uuid = vm.Record.Uuid;
        int pid = vm.Pid!.Value;
        Rows(floor, uuid, "web");

        // A grant left on the new name by a deleted VM of that name, the same as one the VM has: it stays once.
        floor.Db.SetAcl(new AclEntry(AclPath.Parse("/projects/default/vms/www").Value, AclSubject.User("alice"), "LabStudent"));
        using EventSubscription events = floor.Events.Subscribe(e => e.Type == HostEventTypes.VmRenamed);

        Result<VmActor> renamed = await vms.RenameAsync("web", "www", CancellationToken.None);

        Assert.True(renamed.IsOk, renamed.Error?.Message);
        Assert.Same(vm, renamed.Value);
        Assert.Equal(("www", VmState.Running, pid), (vm.Record.Name, vm.Record.State, vm.Pid));
        Assert.Equal("www", Assert.Single(floor.Db.LoadVms(), r => r.Uuid == uuid).Spec.Name);
        Assert.False(vms.Find("web").IsOk);
        Assert.Same(vm, vms.Find("www").Value);
        Assert.Equal(["www/xvda", "www/xvdb"], floor.Db.LoadVolumes().Where(v => v.Vm == uuid).Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["/projects/default/vms/webby carol", "/projects/default/vms/www alice", "/projects/default/vms/www bob"],
            floor.Db.LoadAcl().Select(a => $"{a.Path} {a.Subject.Name}").Order(StringComparer.Ordinal));
        Assert.Equal("www", Assert.Single(floor.Db.LoadTemplates()).SourceVm);
        Assert.Equal(uuid, Assert.Single(floor.Db.LoadPortForwards()).Vm);
        Assert.Equal(["claim www", "release web"], claims.Calls);

        HostEvent e = (await HostEventsTests.ReadAsync(events, 1)).Single();
        Assert.Equal((HostEventTypes.VmRenamed, "www", "web", uuid), (e.Type, e.Vm, e.OldVm, e.VmUuid));

        // The old name is free again, and the VM takes it back.
        VmActor other = await floor.DefineAsync(floor.Spec("web"));
        Assert.True((await floor.Vms.DeleteAsync("web", force: true, CancellationToken.None)).IsOk, "the new VM web");
        Assert.NotEqual(uuid, other.Record.Uuid);
        Assert.True((await vms.RenameAsync("www", "web", CancellationToken.None)).IsOk);
        Assert.Equal(["web/xvda", "web/xvdb"], floor.Db.LoadVolumes().Where(v => v.Vm == uuid).Select(v => v.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ATakenInvalidOrSameName_IsRefused_AndNothingChanges()
    {
        await using var floor = new VmFloor();
        var claims = new RecordingClaims();
        VmManager vms = Manager(floor, claims);
        VmActor web = await floor.DefineAsync(floor.Spec("web"));
        await floor.DefineAsync(floor.Spec("db"));
        Rows(floor, web.Record.Uuid, "web");

        await Refused(vms, "web", "db", ErrorCode.Conflict, "a VM named 'db' already exists (shutoff); choose another name");
        await Refused(vms, "web", "bad name", ErrorCode.InvalidArgument, "cannot rename web to 'bad name': the name contains ' '");
        await Refused(vms, "web", new string('a', 64), ErrorCode.InvalidArgument, "at most 63 are allowed");
        await Refused(vms, "web", "web", ErrorCode.InvalidArgument, "web is named web already");
        await Refused(vms, "web", Guid.NewGuid().ToString(), ErrorCode.InvalidArgument, "reads as a uuid");
        await Refused(vms, "web", "", ErrorCode.InvalidArgument, "the request has no new name");
        await Refused(vms, "nosuch", "x", ErrorCode.NotFound, "no VM named 'nosuch'");

        Assert.Empty(claims.Calls);
        Unchanged(floor, web);
    }

    [Fact]
    public async Task AMigrationOrForkUnderWay_IsRefused_AndTheNewNamesClaimGoes()
    {
        await using var floor = new VmFloor();
        var claims = new RecordingClaims();
        VmManager vms = Manager(floor, claims);
        VmActor web = await floor.StartedAsync("web");
        Rows(floor, web.Record.Uuid, "web");

        File.WriteAllText(floor.Layout.MigrationJournal(web.Record.Uuid), "{}");
        await Refused(vms, "web", "www", ErrorCode.InvalidState, "cannot rename web: a migration of it is under way");
        File.Delete(floor.Layout.MigrationJournal(web.Record.Uuid));
        File.WriteAllText(floor.Layout.ForkJournal(web.Record.Uuid), "{}");
        await Refused(vms, "web", "www", ErrorCode.InvalidState, "cannot rename web: a fork of it is under way");
        File.Delete(floor.Layout.ForkJournal(web.Record.Uuid));

        Assert.Equal(["claim www", "release www", "claim www", "release www"], claims.Calls);
        Unchanged(floor, web);
    }

    [Fact]
    public async Task ANameTheClusterGaveAnotherHost_IsRefused_AndNothingChanges()
    {
        await using var floor = new VmFloor();
        var claims = new RecordingClaims { Refuse = "www" };
        VmManager vms = Manager(floor, claims);
        VmActor web = await floor.DefineAsync(floor.Spec("web"));
        Rows(floor, web.Record.Uuid, "web");

        await Refused(vms, "web", "www", ErrorCode.Conflict, "VM name 'www' is taken in cluster 'c1'");

        Assert.Equal(["claim www"], claims.Calls);
        Unchanged(floor, web);
    }

    [Fact]
    public async Task ADiskNameTakenInTheStore_RollsTheWholeRenameBack()
    {
        await using var floor = new VmFloor();
        var claims = new RecordingClaims();
        VmManager vms = Manager(floor, claims);
        VmActor web = await floor.DefineAsync(floor.Spec("web"));
        Rows(floor, web.Record.Uuid, "web");

        // A disk row left named www/xvda (its VM gone): the disks' names would clash, so the VM's row stays too.
        floor.Db.InTransaction(tx => tx.TryInsertVolume(Disk(null, "www/xvda", "/var/lib/x/orphan.qcow2")));

        await Refused(vms, "web", "www", ErrorCode.Conflict, "the store already holds disks named 'www/...'");

        Assert.Equal(["claim www", "release www"], claims.Calls);
        Unchanged(floor, web);
    }

    private static VmManager Manager(VmFloor floor, IVmClaims claims) => new(
        floor.Db, floor.Layout, floor.Registry, new DiskProvisioner(floor.Volumes, floor.Img), floor.Networks, floor.Qemu, floor.Launcher,
        floor.Commands, floor.Events, TimeProvider.System, NullLogger.Instance, claims);

    /// <summary>Two disks of the VM, two grants on it and one on a name that merely starts like it, a template made from it, a forward.</summary>
    private static void Rows(VmFloor floor, Guid uuid, string name)
    {
        floor.Db.InTransaction(tx =>
        {
            Assert.NotNull(tx.TryInsertVolume(Disk(uuid, $"{name}/xvda", $"/var/lib/x/{uuid}/xvda.qcow2")));
            Assert.NotNull(tx.TryInsertVolume(Disk(uuid, $"{name}/xvdb", $"/var/lib/x/{uuid}/xvdb.qcow2")));
            Assert.True(tx.TryInsertTemplate(new TemplateRecord { Name = "tmpl", Spec = floor.Spec("tmpl"), SourceVm = name, CreatedAt = DateTimeOffset.UtcNow }));
        });
        floor.Db.SetAcl(new AclEntry(AclPath.Parse($"/projects/default/vms/{name}").Value, AclSubject.User("alice"), "LabStudent"));
        floor.Db.SetAcl(new AclEntry(AclPath.Parse($"/projects/default/vms/{name}").Value, AclSubject.User("bob"), "Auditor"));
        floor.Db.SetAcl(new AclEntry(AclPath.Parse($"/projects/default/vms/{name}by").Value, AclSubject.User("carol"), "LabStudent"));
        Assert.True(floor.Db.TryInsertPortForward(new PortForwardRecord { Vm = uuid, Vif = 0, Protocol = "tcp", HostPort = 2222, GuestPort = 22 }));
    }

    private static VolumeRecord Disk(Guid? vm, string name, string path) => new()
    {
        Kind = VolumeKind.VmDisk,
        Name = name,
        Path = path,
        Format = "qcow2",
        Vm = vm,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private static async Task Refused(VmManager vms, string name, string newName, ErrorCode code, string message)
    {
        Result<VmActor> refused = await vms.RenameAsync(name, newName, CancellationToken.None);
        Assert.False(refused.IsOk, $"{name} -> {newName} was not refused");
        Assert.Equal(code, refused.Error.Code);
        Assert.Contains(message, refused.Error.Message, StringComparison.Ordinal);
    }

    private static void Unchanged(VmFloor floor, VmActor web)
    {
        Assert.Equal("web", web.Record.Name);
        Assert.Equal("web", Assert.Single(floor.Db.LoadVms(), r => r.Uuid == web.Record.Uuid).Spec.Name);
        Assert.Equal(["web/xvda", "web/xvdb"], floor.Db.LoadVolumes().Where(v => v.Vm == web.Record.Uuid).Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["/projects/default/vms/web alice", "/projects/default/vms/web bob", "/projects/default/vms/webby carol"],
            floor.Db.LoadAcl().Select(a => $"{a.Path} {a.Subject.Name}").Order(StringComparer.Ordinal));
        Assert.Equal("web", Assert.Single(floor.Db.LoadTemplates()).SourceVm);
        Assert.Same(web, floor.Vms.Find("web").Value);
    }

    /// <summary>A cluster's claims, written down; <see cref="Refuse"/> is a name another host owns.</summary>
    private sealed class RecordingClaims : IVmClaims
    {
        public List<string> Calls { get; } = [];

        public string? Refuse { get; init; }

        public Task<HospesError?> ClaimAsync(string name, Guid uuid, string project, bool admit, CancellationToken ct)
        {
            Calls.Add($"claim {name}");
            return Task.FromResult(name == Refuse ? HospesError.Conflict($"VM name '{name}' is taken in cluster 'c1': host 'b' owns it; choose another name") : null);
        }

        public Task<IReadOnlyDictionary<string, ClusterProjectVms>?> ProjectVmsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyDictionary<string, ClusterProjectVms>?>(null);

        public Task ReleaseAsync(string name, CancellationToken ct)
        {
            Calls.Add($"release {name}");
            return Task.CompletedTask;
        }

        public Task<HospesError?> CheckArrivalAsync(string name, string fromHost, CancellationToken ct) => throw new NotSupportedException("a rename never migrates");

        public Task<HospesError?> MoveHereAsync(string name, Guid uuid, string fromHost, CancellationToken ct) => throw new NotSupportedException("a rename never migrates");

        public Task MoveBackAsync(string name, Guid uuid, string toHost, CancellationToken ct) => throw new NotSupportedException("a rename never migrates");
    }
}
