using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Host.Vms.Agent;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Vms.Agent;

/// <summary>
/// A fork's identity step: one guest-exec (the MACs, the clock and hospes-postfork in one shell, the name an argument); for a
/// fork without NICs the host name through the agent's file calls, and the clock later by guest-set-time (one guest-exec of
/// date where the agent refuses it).
/// </summary>
public class ForkIdentityTests
{
    [Fact]
    public async Task TheIdentity_IsOneGuestExec_WithTheMacsFirst_TheClock_AndHospesPostforkOfTheName()
    {
        await using var agent = new AgentSocketFake();
        var time = new FixedTime(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var guests = new GuestAgent(time, NullLogger.Instance);

        Result<bool> named = await guests.SetIdentityAsync(new AgentVm(agent.SocketPath), "f-3", CancellationToken.None, first: "echo macs; ");

        Assert.True(named.IsOk, named.IsOk ? "" : named.Error.Message);
        Assert.Equal(["guest-sync-delimited", "guest-exec", "guest-exec-status"], agent.Commands);
        JsonObject exec = Assert.Single(agent.Execs);
        Assert.Equal("/bin/sh", (string)exec["path"]!);
        string[] args = [.. exec["arg"]!.AsArray().Select(a => (string)a!)];
        Assert.Equal(["-c", "echo macs; date -u -s @1800000000 > /dev/null || exit 3; exec /usr/sbin/hospes-postfork \"$1\"", "hospes-identity", "f-3"], args);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task AClockThatCannotBeSet_FailsTheStep_SayingSo()
    {
        await using var agent = new AgentSocketFake { ExitCode = 3 };
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);

        Result<bool> named = await guests.SetIdentityAsync(new AgentVm(agent.SocketPath), "f-3", CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, named.Error!.Code);
        Assert.StartsWith("setting its clock (date -u -s) failed in VM f-3 (exit 3)", named.Error.Message, StringComparison.Ordinal);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task ABadName_IsRefused_BeforeTheGuestIsAsked()
    {
        await using var agent = new AgentSocketFake();
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);

        Result<bool> named = await guests.SetIdentityAsync(new AgentVm(agent.SocketPath), "bad name; reboot", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, named.Error!.Code);
        Assert.Empty(agent.Commands);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task TheHostName_IsWrittenByTheAgentsFileCalls_NoProcessInTheGuest()
    {
        await using var agent = new AgentSocketFake();
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);

        Result<bool> named = await guests.SetHostNameAsync(new AgentVm(agent.SocketPath), "f-3", CancellationToken.None);

        Assert.True(named.IsOk, named.IsOk ? "" : named.Error.Message);
        Assert.Equal(
            ["guest-sync-delimited", "guest-file-open", "guest-file-write", "guest-file-close", "guest-file-open", "guest-file-write", "guest-file-close"],
            agent.Commands);
        Assert.Equal([("/proc/sys/kernel/hostname", "f-3"), ("/etc/hostname", "f-3\n")], agent.Writes);
        Assert.Empty(agent.Execs);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task AnAgentThatRefusesFileCalls_FailsTheHostName_NamingTheFile()
    {
        await using var agent = new AgentSocketFake { RefuseFiles = true };
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);

        Result<bool> named = await guests.SetHostNameAsync(new AgentVm(agent.SocketPath), "f-3", CancellationToken.None);

        Assert.Equal(ErrorCode.Conflict, named.Error!.Code);
        Assert.StartsWith("writing its host name into /proc/sys/kernel/hostname failed in VM f-3: ", named.Error.Message, StringComparison.Ordinal);
        Assert.Empty(agent.Writes);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task TheClock_IsGuestSetTime_WithTheHostsTime_NoExec()
    {
        await using var agent = new AgentSocketFake();
        var guests = new GuestAgent(new FixedTime(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)), NullLogger.Instance);

        Result<bool> set = await guests.SetClockAsync(new AgentVm(agent.SocketPath), CancellationToken.None);

        Assert.True(set.IsOk, set.IsOk ? "" : set.Error.Message);
        Assert.Equal(["guest-sync-delimited", "guest-set-time"], agent.Commands);
        Assert.Equal([1_800_000_000_000_000_000L], agent.SetTimes);
        Assert.Empty(agent.Execs);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task AHwclockThatFails_AfterTheAgentSetTheClock_CountsAsSet_ReadBack()
    {
        // qemu-ga sets the system clock, then runs hwclock -w: a guest without an RTC it can write fails only that part.
        await using var agent = new AgentSocketFake { SetTimeFails = "hwclock failed to set hardware clock to system time" };
        var guests = new GuestAgent(new FixedTime(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)), NullLogger.Instance);

        Result<bool> set = await guests.SetClockAsync(new AgentVm(agent.SocketPath), CancellationToken.None);

        Assert.True(set.IsOk, set.IsOk ? "" : set.Error.Message);
        Assert.Equal(["guest-sync-delimited", "guest-set-time", "guest-get-time"], agent.Commands);
        Assert.Empty(agent.Execs);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task AnAgentThatRefusesGuestSetTime_GetsOneGuestExecOfDate_WithTheHostsSeconds()
    {
        await using var agent = new AgentSocketFake
        {
            SetTimeFails = "The command guest-set-time has been disabled for this instance",
            GuestTimeNs = 1_700_000_000_000_000_000L,
        };
        var guests = new GuestAgent(new FixedTime(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)), NullLogger.Instance);

        Result<bool> set = await guests.SetClockAsync(new AgentVm(agent.SocketPath), CancellationToken.None);

        Assert.True(set.IsOk, set.IsOk ? "" : set.Error.Message);
        JsonObject exec = Assert.Single(agent.Execs);
        Assert.Equal("date", (string)exec["path"]!);
        Assert.Equal(["-u", "-s", "@1800000000"], [.. exec["arg"]!.AsArray().Select(a => (string)a!)]);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task AClockNeitherWayCanSet_FailsNamingBoth()
    {
        await using var agent = new AgentSocketFake
        {
            SetTimeFails = "The command guest-set-time has been disabled for this instance",
            GuestTimeNs = 1_700_000_000_000_000_000L,
            ExitCode = 1,
        };
        var guests = new GuestAgent(new FixedTime(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)), NullLogger.Instance);

        Result<bool> set = await guests.SetClockAsync(new AgentVm(agent.SocketPath), CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, set.Error!.Code);
        Assert.StartsWith("setting its clock failed in VM f-3: guest-set-time said: ", set.Error.Message, StringComparison.Ordinal);
        Assert.Contains("disabled for this instance", set.Error.Message, StringComparison.Ordinal);
        Assert.Contains("date -u -s (exit 1)", set.Error.Message, StringComparison.Ordinal);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task ABadName_IsRefused_BeforeTheGuestIsAskedForItsFiles()
    {
        await using var agent = new AgentSocketFake();
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);

        Result<bool> named = await guests.SetHostNameAsync(new AgentVm(agent.SocketPath), "../etc/passwd", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, named.Error!.Code);
        Assert.Empty(agent.Commands);
        await guests.DisposeAsync();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>A running fork whose queue answers only where its agent socket is.</summary>
    private sealed class AgentVm(string socket) : IVm
    {
        public VmRecord Record { get; } = new() { Spec = new VmSpec { Name = "f-3" }, State = VmState.Running, Pid = 100 };

        public int? Pid => 100;

        public IQmp? Qmp => null;

        public IReadOnlyList<int> VcpuThreads => [];

        public string ConsoleLogPath => "/dev/null";

        public Task<Result<T>> RunAsync<T>(IVmCommand<T> command, CancellationToken ct = default) =>
            command is AgentSocketCommand ? Task.FromResult((Result<T>)(object)Result.Ok(socket)) : throw new NotSupportedException(command.GetType().Name);
    }
}
