using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Agent;

/// <summary>
/// This host's guest SSH key (<see cref="SshKey"/>) added to guests that run without it, through their agents
/// (<see cref="GuestAgent.AddAuthorizedKeyAsync"/>), in the background: every running guest when this host took its
/// cluster's key (a guest that booted before holds only the host's old key, which no other member has), and a guest
/// that migrated here (it booted on another host, with that host's key). Only guests `hospes ssh` can reach (those with
/// a host key from Hospes). The keys a guest has stay: the old key is still this host's second identity, and a guest
/// may trust keys of its own. A guest whose agent does not answer within <see cref="Patience"/> (none installed, a
/// channel from an older Hospes, paused) is logged with its name, the reason and the fix.
/// </summary>
internal sealed partial class GuestKeyPush(GuestAgent agent, SshKey key, Func<IReadOnlyList<IVm>> vms, Func<IVm, bool> reachable, TimeProvider time, ILogger log)
    : IAsyncDisposable
{
    /// <summary>How long a guest's agent may take to come up and answer (a guest still booting, many at once under load).</summary>
    internal TimeSpan Patience { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>The wait between two tries of an agent that did not answer.</summary>
    internal TimeSpan TryEvery { get; init; } = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _pushes = [];

    /// <summary>This host's key changed (it joined a cluster): every running guest of this host gets it.</summary>
    public void PushAllLater(string why) => Later([.. vms().Where(v => v.Pid is not null)], why);

    /// <summary>One guest gets this host's key (it migrated here).</summary>
    public void PushLater(IVm vm, string why) => Later([vm], why);

    /// <summary>Every push begun so far, ended (tests; hospesd's stop cancels them first).</summary>
    internal async Task WhenDoneAsync()
    {
        Task[] running;
        lock (_gate)
        {
            running = [.. _pushes];
        }

        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Adds the key to <paramref name="vm"/>, trying again while its agent does not answer, up to <see cref="Patience"/>;
    /// logs the outcome. Whether the guest has the key now.
    /// </summary>
    internal async Task<bool> PushAsync(IVm vm, string why, CancellationToken ct)
    {
        if (key.PublicLine is not { } line || !reachable(vm))
        {
            return false; // no key (hospesd logged it at start), or a guest `hospes ssh` does not reach anyway
        }

        string fingerprint = SshKey.Fingerprint(line);
        long began = time.GetTimestamp();
        while (true)
        {
            if (vm.Pid is null || vm.Record.State is not (VmState.Running or VmState.Paused))
            {
                return false; // stopped meanwhile: a tiny guest takes the key at its next boot
            }

            Result<string> added = await agent.AddAuthorizedKeyAsync(vm, line, ct).ConfigureAwait(false);
            if (added.IsOk)
            {
                LogAdded(vm.Record.Name, fingerprint, added.Value, why);
                return true;
            }

            bool silent = added.Error.Code is ErrorCode.Timeout or ErrorCode.Unavailable;
            if (!silent || time.GetElapsedTime(began) + TryEvery > Patience)
            {
                string name = vm.Record.Name;
                LogNotAdded(name, fingerprint, why, added.Error.Message, silent ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"its agent did not answer for {Patience.TotalSeconds:0} s; ") : "", name, key.PrivatePath + ".pub");
                return false;
            }

            await Task.Delay(TryEvery, time, ct).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await WhenDoneAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private void Later(IReadOnlyList<IVm> guests, string why)
    {
        if (guests.Count == 0 || _stop.IsCancellationRequested)
        {
            return;
        }

        Task push = Parallel.ForEachAsync(guests, new ParallelOptions { MaxDegreeOfParallelism = HostMachine.CpuCount, CancellationToken = _stop.Token }, async (vm, ct) =>
        {
            try
            {
                await PushAsync(vm, why, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException or InvalidOperationException)
            {
                LogPushFailed(vm.Record.Name, e);
            }
        });
        lock (_gate)
        {
            _pushes.RemoveAll(t => t.IsCompleted);
            _pushes.Add(push);
        }
    }

    [LoggerMessage(EventId = LogEvents.GuestSshKeyAdded, Level = LogLevel.Information, Message = "{Vm}: this host's guest SSH key ({Fingerprint}) is in its root's authorized keys now, added through its guest agent by {How} ({Why}); the keys it had stay")]
    private partial void LogAdded(string vm, string fingerprint, string how, string why);

    [LoggerMessage(EventId = LogEvents.GuestSshKeyNotAdded, Level = LogLevel.Warning, Message = "{Vm}: this host's guest SSH key ({Fingerprint}) could not be added to it ({Why}): {Error}; {Patience}`hospes ssh {Name}` works only from hosts that hold the key it booted with until it has this one: restart it (`hospes shutdown`, then `hospes start`: a tiny guest takes the key at boot), or add the line of {PublicPath} to /root/.ssh/authorized_keys in it")]
    private partial void LogNotAdded(string vm, string fingerprint, string why, string error, string patience, string name, string publicPath);

    [LoggerMessage(EventId = LogEvents.GuestSshKeyPushFailed, Level = LogLevel.Warning, Message = "{Vm}: adding this host's guest SSH key through its agent failed")]
    private partial void LogPushFailed(string vm, Exception e);
}
