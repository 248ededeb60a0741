using Hospes.Core.Errors;
using Hospes.Host.Vms.Agent;
using Hospes.Qemu.Qga;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Vms.Agent;

public class AgentLinkTests
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(10);

    private static AgentLink NewLink() => new("web", QgaClient.DialAsync, TimeProvider.System);

    private static async Task<Result<bool>> PingAsync(AgentLink link, string socket, int pid)
    {
        Result<QgaClient> client = await link.ReadyAsync(socket, pid, Answer, CancellationToken.None);
        return client.IsOk ? await client.Value.PingAsync(CancellationToken.None) : client.Error;
    }

    [Fact]
    public async Task Requests_OnOneQemu_ShareOneConnection_AndEachSynchronisesFirst()
    {
        await using var agent = new AgentSocketFake();
        AgentLink link = NewLink();

        Assert.True((await PingAsync(link, agent.SocketPath, 100)).Value);
        Assert.True((await PingAsync(link, agent.SocketPath, 100)).Value);

        Assert.Equal(1, agent.Accepted);
        Assert.Equal(1, link.Dials);
        Assert.Equal(["guest-sync-delimited", "guest-ping", "guest-sync-delimited", "guest-ping"], agent.Commands);
        await link.EndAsync();
        await AgentSocketFake.Until(() => agent.ClosedByClient == 1);
    }

    [Fact]
    public async Task AConnectionTheOtherEndDropped_IsDialledAgain_OnTheNextRequest()
    {
        await using var agent = new AgentSocketFake();
        AgentLink link = NewLink();
        Assert.True((await PingAsync(link, agent.SocketPath, 100)).Value);

        agent.DropAll();
        Result<bool> again = await PingAsync(link, agent.SocketPath, 100);

        Assert.True(again.IsOk, again.IsOk ? "" : again.Error.Message);
        Assert.Equal(2, agent.Accepted);
        Assert.Equal(2, link.Dials);
        await link.EndAsync();
    }

    [Fact]
    public async Task ANewQemu_GetsANewConnection_AndTheOldOneIsClosed()
    {
        await using var agent = new AgentSocketFake();
        AgentLink link = NewLink();
        Assert.True((await PingAsync(link, agent.SocketPath, 100)).Value);

        Assert.True((await PingAsync(link, agent.SocketPath, 200)).Value);

        Assert.Equal(2, link.Dials);
        await AgentSocketFake.Until(() => agent.ClosedByClient == 1);
        await link.EndAsync();
        await AgentSocketFake.Until(() => agent.ClosedByClient == 2);
    }

    [Fact]
    public async Task ASocketNobodyServes_IsAnErrorNamingTheVm_AndNothingStaysOpen()
    {
        AgentLink link = NewLink();

        Result<QgaClient> client = await link.ReadyAsync("/nonexistent/vm.qga", 100, Answer, CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, client.Error!.Code);
        Assert.Contains("guest agent channel of VM web", client.Error.Message, StringComparison.Ordinal);
        Assert.False(link.IsOpen);
    }

    [Fact]
    public async Task TheKeeper_HoldsOneConnectionPerRunningVm_WithoutSendingAnything_AndLetsGoWhenItsQemuIsGone()
    {
        await using var agent = new AgentSocketFake();
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);
        var uuid = Guid.NewGuid();
        var running = new AgentTarget(uuid, "web", agent.SocketPath, 100);

        await guests.KeepOnceAsync([running], CancellationToken.None);
        await guests.KeepOnceAsync([running], CancellationToken.None);

        await AgentSocketFake.Until(() => agent.Accepted == 1);
        Assert.Equal([uuid], guests.Linked);
        Assert.Equal(1, guests.LinkOf(uuid)!.Dials);
        Assert.Empty(agent.Commands);

        await guests.KeepOnceAsync([running with { Pid = null }], CancellationToken.None);

        Assert.Empty(guests.Linked);
        await AgentSocketFake.Until(() => agent.ClosedByClient == 1);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task TheKeeper_LeavesAVmAlone_WhoseQemuHasNoAgentSocket()
    {
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);

        await guests.KeepOnceAsync([new AgentTarget(Guid.NewGuid(), "old", null, 100), new AgentTarget(Guid.NewGuid(), "gone", "/nonexistent/x.qga", 101)], CancellationToken.None);

        Assert.Empty(guests.Linked);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task TheKeeper_Started_ConnectsToARunningVm_AndDisposingClosesEverything()
    {
        await using var agent = new AgentSocketFake();
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);
        var running = new AgentTarget(Guid.NewGuid(), "web", agent.SocketPath, 100);

        guests.Start(() => [running], events: null);
        await AgentSocketFake.Until(() => agent.Accepted == 1);
        await guests.DisposeAsync();

        await AgentSocketFake.Until(() => agent.ClosedByClient == 1);
        Assert.Empty(guests.Linked);
    }
}
