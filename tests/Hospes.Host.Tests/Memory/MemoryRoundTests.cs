using System.Globalization;
using System.Text.Json.Nodes;
using Hospes.Host.Machine;
using Hospes.Host.Memory;
using Hospes.Host.Settings;
using Hospes.Host.Tests.Machine;
using Hospes.Host.Tests.Vms;
using Hospes.Host.Vms;
using Hospes.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Memory;

/// <summary>
/// Rounds of the memory service over guests whose QEMU is faked: their balloons reported through QMP, the balance policy's
/// targets sent back through the VMs' queues (PolicyTargetCommand), KSM switched in a folder that stands for /sys/kernel/mm/ksm.
/// </summary>
public sealed class MemoryRoundTests : IAsyncLifetime, IAsyncDisposable
{
    private const long Mib = 1024 * 1024;
    private readonly VmFloor _floor = new();
    private readonly ProcMemory _proc = new(totalMib: 8192, availableMib: 512);
    private readonly TempDir _ksm = new();

    public MemoryRoundTests()
    {
        // Guests of 512 MiB whose driver runs and reports 128 MiB in use (floor 160 MiB).
        _floor.Qemu.OnLaunch = q =>
        {
            q.Monitor.BalloonBytes = 512 * Mib;
            q.Monitor.Answer("x-query-virtio-status", """{"status": {"statuses": ["VIRTIO_CONFIG_S_DRIVER_OK"]}, "guest-features": {"dev-features": ["VIRTIO_BALLOON_F_STATS_VQ"]}}""");
            q.Monitor.Answer("qom-get", args => args?["property"]?.GetValue<string>() == "guest-stats" ? GuestStats() : "{}");
        };
        foreach ((string knob, string value) in new[] { ("run", "0"), ("pages_to_scan", "100"), ("sleep_millisecs", "200"), ("pages_shared", "0"), ("pages_sharing", "0"), ("full_scans", "0") })
        {
            File.WriteAllText(_ksm.File(knob), value);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 calls IAsyncLifetime on a test class, never IAsyncDisposable (its folders were left in /tmp).
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        await _floor.DisposeAsync();
        _proc.Dispose();
        _ksm.Dispose();
    }

    [Fact]
    public async Task Balance_UnderPressure_ShrinksEachGuestsBalloonThroughItsQueue_AndNotesWhy()
    {
        await using MemoryService memory = Service(MemoryPolicyMode.Balance, KsmMode.Off);
        VmActor a = await Guest("a");
        VmActor b = await Guest("b");

        await memory.RoundAsync(CancellationToken.None);

        // Need: halfway between the reserve (1024) and the give-back line (1280), less the 512 available: 640 MiB; 128 MiB a step.
        foreach (VmActor vm in new[] { a, b })
        {
            Assert.Equal(384 * Mib, _floor.QemuOf(vm).Monitor.ArgumentsOf("balloon")!["value"]!.GetValue<long>());
            Assert.Equal((384, "host memory low: 512 MiB available, reserve 1024 MiB"), (_floor.Balloons.Of(vm).TargetMib, _floor.Balloons.Of(vm).PolicyReason));
        }

        Assert.Equal(
            [("a", 512, 384), ("b", 512, 384)],
            memory.Top().Actions.Select(x => (x.Vm, x.FromMib, x.ToMib)).Order());
        Assert.Equal(512, a.Record.Spec.MemoryMib);
    }

    [Fact]
    public async Task Balance_GivesMemoryBack_OnlyAfterTheHostHasBeenCalmForSomeRounds()
    {
        await using MemoryService memory = Service(MemoryPolicyMode.Balance, KsmMode.Off);
        VmActor a = await Guest("a");
        await memory.RoundAsync(CancellationToken.None);
        Assert.Equal(384, _floor.Balloons.Of(a).TargetMib);
        _floor.QemuOf(a).Monitor.BalloonBytes = 384 * Mib;
        _proc.Set(totalMib: 8192, availableMib: 6000);

        await memory.RoundAsync(CancellationToken.None);
        await memory.RoundAsync(CancellationToken.None);
        Assert.Equal(384, _floor.Balloons.Of(a).TargetMib);
        await memory.RoundAsync(CancellationToken.None);

        Assert.Equal((512, (string?)null), (_floor.Balloons.Of(a).TargetMib, _floor.Balloons.Of(a).PolicyReason));
        Assert.Equal("host memory recovered: 6000 MiB available", memory.Top().Actions[0].Reason);
    }

    [Fact]
    public async Task Ksm_GoesOnWhileTwoGuestsRun_AndBackToTheHostsSettingWhenFewerRun()
    {
        await using MemoryService memory = Service(MemoryPolicyMode.Off, KsmMode.Auto);
        VmActor a = await Guest("a");
        await memory.RoundAsync(CancellationToken.None);
        Assert.Equal("0", Knob("run"));

        VmActor b = await Guest("b");
        await memory.RoundAsync(CancellationToken.None);

        Assert.Equal(("1", "20"), (Knob("run"), Knob("sleep_millisecs")));
        Assert.InRange(long.Parse(Knob("pages_to_scan"), CultureInfo.InvariantCulture), 100, 1000);
        Assert.Equal("0 100 200", _floor.Db.MetaValue("ksm_original"));
        Assert.True(memory.HostStatus().KsmManaged);

        Assert.True((await b.RunAsync(_floor.Commands.Destroy())).IsOk);
        await memory.RoundAsync(CancellationToken.None);

        Assert.Equal(("0", "100", "200"), (Knob("run"), Knob("pages_to_scan"), Knob("sleep_millisecs")));
        Assert.Null(_floor.Db.MetaValue("ksm_original"));
        Assert.False(memory.HostStatus().KsmManaged);
        Assert.NotNull(a.Pid);
    }

    [Fact]
    public async Task PolicyMovesAndKsm_AreOnTheEventStream()
    {
        await using MemoryService memory = Service(MemoryPolicyMode.Balance, KsmMode.Auto);
        await Guest("a");
        await Guest("b");
        using EventSubscription events = _floor.Events.Subscribe(e => e.Type.StartsWith("memory.", StringComparison.Ordinal));

        await memory.RoundAsync(CancellationToken.None);

        HostEvent[] got = await HostEventsTests.ReadAsync(events, 3);
        Assert.Equal(HostEventTypes.MemoryKsm, got[0].Type);
        Assert.Null(got[0].Vm);
        Assert.StartsWith("KSM on: 2 guests run", got[0].Message, StringComparison.Ordinal);
        Assert.Equal(
            [("a", "balloon target 512 -> 384 MiB: host memory low: 512 MiB available, reserve 1024 MiB"), ("b", "balloon target 512 -> 384 MiB: host memory low: 512 MiB available, reserve 1024 MiB")],
            got.Skip(1).Select(e => (e.Vm!, e.Message!)).Order());
    }

    [Fact]
    public async Task Ksm_TheAdministratorSwitchedOn_IsLeftAsItIs()
    {
        File.WriteAllText(_ksm.File("run"), "1");
        File.WriteAllText(_ksm.File("pages_to_scan"), "500");
        await using MemoryService memory = Service(MemoryPolicyMode.Off, KsmMode.Auto);
        await Guest("a");
        await Guest("b");

        await memory.RoundAsync(CancellationToken.None);

        Assert.Equal(("1", "500", "200"), (Knob("run"), Knob("pages_to_scan"), Knob("sleep_millisecs")));
        Assert.False(memory.HostStatus().KsmManaged);
        Assert.Equal("on", memory.HostStatus().Ksm.Running ? "on" : "off");
    }

    /// <summary>What a guest's driver reports: 512 MiB, of which 384 MiB available (free or cache).</summary>
    private static string GuestStats() => new JsonObject
    {
        ["last-update"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["stats"] = new JsonObject
        {
            ["stat-total-memory"] = 512 * Mib,
            ["stat-free-memory"] = 300 * Mib,
            ["stat-available-memory"] = 384 * Mib,
            ["stat-disk-caches"] = 84 * Mib,
        },
    }.ToJsonString();

    private MemoryService Service(MemoryPolicyMode policy, KsmMode ksm)
    {
        HostOptions options = _floor.Options with { Memory = new MemorySettings { Policy = policy, Ksm = ksm, ReserveMib = 1024 } };
        return new MemoryService(options, _floor.Db, _floor.Registry, _floor.Balloons, TimeProvider.System, NullLoggerFactory.Instance, _proc.Reader, new Ksm(_ksm.Path), _floor.Events);
    }

    private Task<VmActor> Guest(string name) => _floor.StartedAsync(name, s => s with { MemoryMib = 512, MaxMemoryMib = 512 });

    private string Knob(string knob) => File.ReadAllText(_ksm.File(knob)).Trim();
}
