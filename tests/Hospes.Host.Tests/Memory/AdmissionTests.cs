using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Memory;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Tests.Machine;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Memory;

/// <summary>Admission control: a start is refused past the overcommit limit, or when the host cannot hold the guest now.</summary>
public sealed class AdmissionTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly StateDb _db;
    private readonly VmRegistry<StubVm> _vms = new();
    private readonly ProcMemory _proc = new(totalMib: 4096, availableMib: 3072);
    private readonly MemoryService _memory;

    public AdmissionTests()
    {
        _db = new StateDb(_dir.File("hospes.db"));
        var options = new HostOptions { StateDir = _dir.Path, Memory = new MemorySettings { OvercommitRatio = 1.5, ReserveMib = 512, Ksm = KsmMode.Off } };
        var balloons = new Balloons(options.Memory, TimeProvider.System, NullLoggerFactory.Instance);
        _memory = new MemoryService(options, _db, _vms, balloons, TimeProvider.System, NullLoggerFactory.Instance, _proc.Reader, new Ksm(_dir.File("no-ksm")));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 calls IAsyncLifetime on a test class, never IAsyncDisposable (its folders were left in /tmp).
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        await _memory.DisposeAsync();
        _proc.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Admit_PastTheOvercommitLimit_IsRefused_NamingTheFiguresAndTheWaysOut()
    {
        Running("web", 4096);

        Result<MemoryReservation> admitted = _memory.Admit(Vm("db", 2560), ramMib: 2560);

        Assert.Equal(ErrorCode.Unavailable, admitted.Error!.Code);
        Assert.Equal(
            "cannot start db: its 2560 MiB would commit 6656 MiB, past this host's limit of 6144 MiB (4096 MiB RAM × overcommit ratio 1.5; 4096 MiB committed now). "
            + "Stop a VM, lower a VM's memory with `hospes mem-set`, or raise memory.overcommit_ratio in hospesd's settings",
            admitted.Error.Message);
    }

    [Fact]
    public void Admit_OfMoreThanTheHostHoldsNow_IsRefused_CountingItsReserve()
    {
        Result<MemoryReservation> admitted = _memory.Admit(Vm("db", 3000), ramMib: 3000);

        Assert.Equal(
            "cannot start db: the host cannot hold it now: it needs about 3000 MiB; 3072 MiB available, 512 MiB kept for the host (memory.reserve_mib) leaves 2560 MiB. "
            + "Stop a VM, start this one with less memory, or free memory on the host",
            admitted.Error!.Message);
        Assert.True(_memory.Admit(Vm("db", 2560), ramMib: 2560).IsOk);
    }

    [Fact]
    public void Admit_CountsWhatIsPromisedToVmsStillStarting_UntilTheirStartEnds()
    {
        MemoryReservation web = _memory.Admit(Vm("web", 2048), ramMib: 2048).Value;
        Assert.Equal(2048, _memory.HostStatus().CommittedBytes >> 20);

        Result<MemoryReservation> db = _memory.Admit(Vm("db", 1024), ramMib: 1024);

        Assert.Equal(
            "cannot start db: the host cannot hold it now: it needs about 1024 MiB; 3072 MiB available, 2048 MiB promised to VMs that are starting, "
            + "512 MiB kept for the host (memory.reserve_mib) leaves 512 MiB. Stop a VM, start this one with less memory, or free memory on the host",
            db.Error!.Message);
        web.Dispose();
        Assert.True(_memory.Admit(Vm("db", 1024), ramMib: 1024).IsOk);
    }

    [Fact]
    public void Admit_TakesTheSmallerOfTheVmsMemoryAndTheRamItStartsWith()
    {
        Running("web", 4096);

        Assert.True(_memory.Admit(Vm("db", 4096), ramMib: 2048).IsOk);
        Assert.Equal(6144, _memory.HostStatus().CommittedBytes >> 20);
    }

    [Fact]
    public void Admit_CommitsTheRamQemuIsGiven_NotTheBalloonTarget()
    {
        // memory = 512, maxmem = 8192: QEMU gets 8192 MiB, which a guest without a balloon driver uses whole (#14).
        VmRecord greedy = Vm("greedy", 512) with { Spec = Vm("greedy", 512).Spec with { MaxMemoryMib = 8192 } };

        Result<MemoryReservation> admitted = _memory.Admit(greedy, ramMib: 8192);

        Assert.StartsWith("cannot start greedy: its 8192 MiB would commit 8192 MiB, past this host's limit of 6144 MiB", admitted.Error!.Message, StringComparison.Ordinal);
        _vms.Add(new StubVm(greedy.Spec with { MaxMemoryMib = 4096 }, pid: 4242));
        Assert.Equal(4096, _memory.HostStatus().CommittedBytes >> 20);
    }

    [Fact]
    public void Forks_AreCommittedAtWhatTheyHoldOfTheirOwn_AndTheirRamFileOnce_SoMoreForksAreAdmittedThanBootedCopiesFit()
    {
        // 20 forks of a 1024 MiB guest: as booted copies 20480 MiB, past this host's limit of 6144 MiB.
        const string file = "/dev/shm/hospes/0123456789abcdef/fork-5d8f/ram";
        for (int i = 0; i < 20; i++)
        {
            var fork = new StubVm(Vm($"f{i}", 1024).Spec, pid: 4242);
            fork.Record = fork.Record with { RamFile = file };
            _vms.Add(fork);
        }

        Assert.Equal(1024 + (20 * 64), _memory.HostStatus().CommittedBytes >> 20);
        Result<MemoryReservation> next = _memory.Admit(Vm("f20", 1024) with { RamFile = file }, ramMib: 1024);
        Assert.True(next.IsOk);
        Assert.Equal(1024 + (21 * 64), _memory.HostStatus().CommittedBytes >> 20);
        next.Value.Dispose();

        // A fork of a file no running VM maps yet brings the file with it.
        Assert.True(_memory.Admit(Vm("g1", 2048) with { RamFile = "/dev/shm/hospes/0123456789abcdef/fork-77aa/ram" }, ramMib: 2048).IsOk);
        Assert.Equal(1024 + (20 * 64) + 2048 + 64, _memory.HostStatus().CommittedBytes >> 20);
    }

    [Fact]
    public void ForksStartingAtOnce_OfAFileNoRunningVmMaps_BringThatFileOnce()
    {
        // A frozen parent's forks: nothing runs on the file while the first 16 start at once (ForkService.ChildStarts).
        // Each brought the whole file before (the third was refused here: 2 × 1088 MiB promised of 2560 MiB).
        const string file = "/dev/shm/hospes/0123456789abcdef/fork-9c1e/ram";
        var starting = new List<MemoryReservation>();
        for (int i = 0; i < 16; i++)
        {
            Result<MemoryReservation> admitted = _memory.Admit(Vm($"f{i}", 1024) with { RamFile = file }, ramMib: 1024);
            Assert.True(admitted.IsOk, admitted.Error?.Message);
            starting.Add(admitted.Value);
        }

        Assert.Equal(1024 + (16 * 64), _memory.HostStatus().CommittedBytes >> 20);

        // The host still refuses what it cannot hold: 2560 MiB can hold 1024 + 16 × 64 and then a VM of 512, not one of 1024.
        Result<MemoryReservation> small = _memory.Admit(Vm("small", 512), ramMib: 512);
        Assert.True(small.IsOk, small.Error?.Message);
        small.Value.Dispose();
        Assert.False(_memory.Admit(Vm("big", 1024), ramMib: 1024).IsOk);

        // The first fork's start ends (it failed): the file is still counted once, by those still starting.
        starting[0].Dispose();
        Assert.Equal(1024 + (15 * 64), _memory.HostStatus().CommittedBytes >> 20);
        starting.ForEach(r => r.Dispose());
        Assert.Equal(0, _memory.HostStatus().CommittedBytes >> 20);
    }

    private static VmRecord Vm(string name, int memoryMib) => new() { Spec = new VmSpec { Name = name, Uuid = Guid.NewGuid(), MemoryMib = memoryMib, MaxMemoryMib = memoryMib } };

    private void Running(string name, int memoryMib) => _vms.Add(new StubVm(Vm(name, memoryMib).Spec, pid: 4242));
}
