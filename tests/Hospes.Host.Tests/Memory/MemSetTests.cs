using Hospes.Core.Errors;
using Hospes.Host.Memory;
using Hospes.Host.Tests.Vms;
using Hospes.Host.Vms;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Memory;

/// <summary>`hospes mem-set` and `hospes mem-max` by VM name, through the VM's queue, with QEMU faked.</summary>
public sealed class MemSetTests : IAsyncLifetime, IAsyncDisposable
{
    private const long Mib = 1024 * 1024;
    private readonly VmFloor _floor = new();
    private readonly MemoryService _memory;

    public MemSetTests()
    {
        _floor.Qemu.OnLaunch = q =>
        {
            q.Monitor.BalloonBytes = 512 * Mib;
            q.Monitor.Answer("x-query-virtio-status", """{"status": {"statuses": ["VIRTIO_CONFIG_S_DRIVER_OK"]}}""");
        };
        _memory = new MemoryService(_floor.Options, _floor.Db, _floor.Registry, _floor.Balloons, TimeProvider.System, NullLoggerFactory.Instance);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 calls IAsyncLifetime on a test class, never IAsyncDisposable (its folders were left in /tmp).
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        await _memory.DisposeAsync();
        await _floor.DisposeAsync();
    }

    [Fact]
    public async Task MemSet_OfARunningGuest_MovesItsBalloon_AndKeepsTheSizeAsItsMemory()
    {
        VmActor web = await _floor.StartedAsync("web", s => s with { MemoryMib = 512, MaxMemoryMib = 512 });

        Result<VmMemoryStatus> set = await _memory.SetTargetAsync("web", 256);

        Assert.Equal((256, 256), (set.Value.Vm.Spec.MemoryMib, set.Value.Memory.TargetMib));
        Assert.Equal(256 * Mib, _floor.QemuOf(web).Monitor.ArgumentsOf("balloon")!["value"]!.GetValue<long>());
        Assert.Equal(256, _floor.Db.LoadVms().Single().Spec.MemoryMib);
    }

    [Fact]
    public async Task MemSet_AboveMaxmem_OrOfAVmThatDoesNotRun_IsRefused()
    {
        await _floor.StartedAsync("web", s => s with { MemoryMib = 512, MaxMemoryMib = 512 });
        await _floor.DefineAsync(_floor.Spec("db"));

        Assert.Equal(
            "web: 1024 MiB is above its maxmem (512 MiB); raise the ceiling first with `hospes mem-max web 1024` (while it runs, at most the 512 MiB it was started with)",
            (await _memory.SetTargetAsync("web", 1024)).Error!.Message);
        Assert.Equal(ErrorCode.InvalidState, (await _memory.SetTargetAsync("db", 64)).Error!.Code);
        Assert.Equal(ErrorCode.NotFound, (await _memory.SetTargetAsync("nope", 64)).Error!.Code);
    }

    [Fact]
    public async Task MemMax_OfAStoppedVm_LowersItsMemoryWithIt()
    {
        await _floor.DefineAsync(_floor.Spec("db"));

        Result<VmMemoryStatus> set = await _memory.SetMaxAsync("db", 96);

        Assert.Equal((96, 96), (set.Value.Vm.Spec.MemoryMib, set.Value.Vm.Spec.MaxMemoryMib));
        Assert.Equal(Hospes.Host.Memory.BalloonState.Off, _memory.Status("db").Value.Memory.Balloon);
    }
}
