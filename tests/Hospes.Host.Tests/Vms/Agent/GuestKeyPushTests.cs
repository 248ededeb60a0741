using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Vms.Agent;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Vms.Agent;

/// <summary>
/// This host's guest SSH key added to running guests through their agents (a host that joined a cluster, a VM that
/// migrated here): guest-ssh-add-authorized-keys for root, the agent's file calls (read, append) where the agent lacks
/// it, the guest's own keys kept; a guest without an agent logged by name with the reason and the fix.
/// </summary>
public sealed class GuestKeyPushTests : IDisposable
{
    private static readonly string Blob = Convert.ToBase64String([.. Enumerable.Range(1, 51).Select(i => (byte)i)]);
    private static readonly string ClusterLine = $"ssh-ed25519 {Blob} hospes";
    private readonly string _state = Directory.CreateTempSubdirectory("hospes-keypush-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public async Task AnAgentWithTheCommand_AddsTheKeyForRoot_WithoutItsComment_KeepingTheOthers_NoFileCalls()
    {
        await using var agent = new AgentSocketFake();
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);

        Result<string> added = await guests.AddAuthorizedKeyAsync(new KeyVm("old", agent.SocketPath), ClusterLine, CancellationToken.None);

        Assert.True(added.IsOk, added.IsOk ? "" : added.Error.Message);
        Assert.Equal("guest-ssh-add-authorized-keys", added.Value);
        (string user, string[] keys, bool reset) = Assert.Single(agent.SshKeysAdded);
        Assert.Equal(("root", false), (user, reset));
        Assert.Equal([$"ssh-ed25519 {Blob}"], keys);
        Assert.Empty(agent.Opens);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task AnAgentWithoutTheCommand_GetsTheLineAppended_AfterTheKeysItHas_OnANewLine()
    {
        await using var agent = new AgentSocketFake { LacksSshKeys = true };
        agent.Files[GuestAgent.AuthorizedKeysFile] = "ssh-ed25519 OLDKEY"; // as /etc/rc wrote it, but without the newline
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);

        Result<string> added = await guests.AddAuthorizedKeyAsync(new KeyVm("old", agent.SocketPath), ClusterLine, CancellationToken.None);

        Assert.True(added.IsOk, added.IsOk ? "" : added.Error.Message);
        Assert.Equal("the agent's file calls (/root/.ssh/authorized_keys)", added.Value);
        Assert.Equal([(GuestAgent.AuthorizedKeysFile, "r"), (GuestAgent.AuthorizedKeysFile, "a")], agent.Opens);
        Assert.Equal([(GuestAgent.AuthorizedKeysFile, $"\nssh-ed25519 {Blob}\n")], agent.Writes);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task AnAgentWithoutTheCommand_WritesNothing_WhenTheFileHoldsTheKeyAlready_AndMakesTheFileWhenMissing()
    {
        await using var agent = new AgentSocketFake { LacksSshKeys = true };
        agent.Files[GuestAgent.AuthorizedKeysFile] = $"ssh-ed25519 OLDKEY\nno-pty ssh-ed25519 {Blob} someone@else\n";
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);

        Result<string> had = await guests.AddAuthorizedKeyAsync(new KeyVm("old", agent.SocketPath), ClusterLine, CancellationToken.None);

        Assert.Equal("/root/.ssh/authorized_keys had it already", had.Value);
        Assert.Empty(agent.Writes);

        agent.Files.Clear();
        Result<string> made = await guests.AddAuthorizedKeyAsync(new KeyVm("old", agent.SocketPath), ClusterLine, CancellationToken.None);

        Assert.True(made.IsOk, made.IsOk ? "" : made.Error.Message);
        Assert.Equal([(GuestAgent.AuthorizedKeysFile, $"ssh-ed25519 {Blob}\n")], agent.Writes);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task AnAgentThatRefusesBoth_FailsNamingTheVmAndBothAnswers()
    {
        await using var agent = new AgentSocketFake { LacksSshKeys = true, RefuseFiles = true };
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);

        Result<string> added = await guests.AddAuthorizedKeyAsync(new KeyVm("old", agent.SocketPath), ClusterLine, CancellationToken.None);

        Assert.False(added.IsOk);
        Assert.Contains("failed in VM old", added.Error.Message, StringComparison.Ordinal);
        Assert.Contains("guest-ssh-add-authorized-keys has not been found", added.Error.Message, StringComparison.Ordinal);
        Assert.Contains("guest-file-open has been disabled", added.Error.Message, StringComparison.Ordinal);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task AfterAJoin_EveryRunningReachableGuestGetsTheKey_AGuestWithoutAnAgentIsLoggedWithTheFix_StoppedOnesAreLeft()
    {
        WriteKey();
        await using var one = new AgentSocketFake();
        await using var two = new AgentSocketFake { LacksSshKeys = true };
        two.Files[GuestAgent.AuthorizedKeysFile] = "ssh-ed25519 OLDKEY\n";
        await using var stopped = new AgentSocketFake();
        await using var other = new AgentSocketFake();
        var log = new Lines();
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);
        IVm[] vms =
        [
            new KeyVm("one", one.SocketPath),
            new KeyVm("two", two.SocketPath),
            new KeyVm("bare", null),
            new KeyVm("down", stopped.SocketPath, VmState.Shutoff),
            new KeyVm("nossh", other.SocketPath),
        ];
        await using var push = new GuestKeyPush(guests, new SshKey(_state), () => vms, vm => vm.Record.Name != "nossh", TimeProvider.System, log);

        push.PushAllLater("this host took its cluster's key");
        await push.WhenDoneAsync();

        Assert.Single(one.SshKeysAdded);
        Assert.Equal([(GuestAgent.AuthorizedKeysFile, $"ssh-ed25519 {Blob}\n")], two.Writes);
        Assert.Empty(stopped.Commands);
        Assert.Empty(other.Commands);
        string fingerprint = SshKey.Fingerprint(ClusterLine);
        Assert.Equal(
            [
                $"one: this host's guest SSH key ({fingerprint}) is in its root's authorized keys now, added through its guest agent by guest-ssh-add-authorized-keys (this host took its cluster's key); the keys it had stay",
                $"two: this host's guest SSH key ({fingerprint}) is in its root's authorized keys now, added through its guest agent by the agent's file calls (/root/.ssh/authorized_keys) (this host took its cluster's key); the keys it had stay",
            ],
            log.Of(LogEvents.GuestSshKeyAdded).Order(StringComparer.Ordinal));
        string bare = Assert.Single(log.Of(LogEvents.GuestSshKeyNotAdded));
        Assert.StartsWith($"bare: this host's guest SSH key ({fingerprint}) could not be added to it (this host took its cluster's key): VM bare has no guest agent channel", bare, StringComparison.Ordinal);
        Assert.Contains("`hospes ssh bare` works only from hosts that hold the key it booted with", bare, StringComparison.Ordinal);
        Assert.Contains("restart it (`hospes shutdown`, then `hospes start`", bare, StringComparison.Ordinal);
        Assert.Contains($"add the line of {Path.Combine(_state, "ssh", "id_ed25519.pub")} to /root/.ssh/authorized_keys", bare, StringComparison.Ordinal);
        await guests.DisposeAsync();
    }

    [Fact]
    public async Task AGuestWhoseAgentNeverAnswers_IsTriedAgainUntilThePatienceEnds_ThenLogged()
    {
        WriteKey();
        var log = new Lines();
        var guests = new GuestAgent(TimeProvider.System, NullLogger.Instance);
        string nobody = Path.Combine(_state, "nobody.qga"); // no agent listens: QEMU's channel with no qemu-ga behind it answers nothing either
        await using var push = new GuestKeyPush(guests, new SshKey(_state), () => [], _ => true, TimeProvider.System, log)
        {
            Patience = TimeSpan.FromSeconds(1),
            TryEvery = TimeSpan.FromMilliseconds(200),
        };

        bool added = await push.PushAsync(new KeyVm("mute", nobody), "it migrated here", CancellationToken.None);

        Assert.False(added);
        string line = Assert.Single(log.Of(LogEvents.GuestSshKeyNotAdded));
        Assert.StartsWith("mute: this host's guest SSH key", line, StringComparison.Ordinal);
        Assert.Contains("(it migrated here): cannot reach the guest agent channel of VM mute", line, StringComparison.Ordinal);
        Assert.Contains("its agent did not answer for 1 s;", line, StringComparison.Ordinal);
        Assert.True(log.All.Count(l => l.Id == LogEvents.GuestSshKeyNotAdded) == 1);
        await guests.DisposeAsync();
    }

    private void WriteKey()
    {
        Directory.CreateDirectory(Path.Combine(_state, "ssh"));
        File.WriteAllText(Path.Combine(_state, "ssh", "id_ed25519.pub"), ClusterLine + "\n");
    }

    private sealed class KeyVm(string name, string? socket, VmState state = VmState.Running) : IVm
    {
        public VmRecord Record { get; } = new() { Spec = new VmSpec { Name = name }, State = state, Pid = state == VmState.Running ? 100 : null };

        public int? Pid => Record.Pid;

        public IQmp? Qmp => null;

        public IReadOnlyList<int> VcpuThreads => [];

        public string ConsoleLogPath => "/dev/null";

        public Task<Result<T>> RunAsync<T>(IVmCommand<T> command, CancellationToken ct = default) => command is AgentSocketCommand
            ? Task.FromResult(socket is null ? (Result<T>)HospesError.State($"VM {name} has no guest agent channel; start it again") : (Result<T>)(object)Result.Ok(socket))
            : throw new NotSupportedException(command.GetType().Name);
    }

    /// <summary>What was logged: event id and message.</summary>
    private sealed class Lines : ILogger
    {
        public List<(int Id, string Text)> All { get; } = [];

        public IEnumerable<string> Of(int id)
        {
            lock (All)
            {
                return [.. All.Where(l => l.Id == id).Select(l => l.Text)];
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (All)
            {
                All.Add((eventId.Id, formatter(state, exception)));
            }
        }
    }
}
