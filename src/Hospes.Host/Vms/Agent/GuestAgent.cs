using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Hospes.Core.Errors;
using Hospes.Host.Machine;
using Hospes.Qemu.Qga;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Agent;

/// <summary>
/// Talks to a VM's guest agent (qemu-ga on the virtio-serial port org.qemu.guest_agent.0): `hospes guest`, and the
/// identity a fork takes. One connection per running VM, kept for its QEMU's life (<see cref="AgentLink"/>; opened by the
/// keeper, GuestAgent.Keeper.cs, or by the first request); requests to one VM take turns on it, and each synchronises
/// first, so nothing a timed-out request left behind is read as an answer.
/// </summary>
internal sealed partial class GuestAgent(TimeProvider time, ILogger log, AgentDialer? dialer = null)
{
    /// <summary>The fork identity script the tiny guest carries (`image build debian` is to install one too).</summary>
    public const string PostForkProgram = "/usr/sbin/hospes-postfork";

    /// <summary>
    /// How often, at most, the identity step asks whether its script ended: every ask wakes the agent in a guest that
    /// shares the CPU with every other fork starting (75 forks' steps took 50-95 s each under load), and at the usual
    /// 500 ms a slow step asks many times.
    /// </summary>
    private static readonly TimeSpan IdentityLongestPoll = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the identity script may run. It ends by itself (hospes-postfork waits at most 10 s of guest time for a
    /// lease), but a guest starting beside 74 other forks on 2 cores under load gets little CPU: at load ~200, 49 of 75
    /// forks' scripts were still running after 20 s (session 9).
    /// </summary>
    private static readonly TimeSpan IdentityLimit = TimeSpan.FromSeconds(120);

    /// <summary>The identity step's exit code when the guest's clock could not be set (hospes-postfork uses 1 and 2).</summary>
    private const int ClockFailed = 3;

    private readonly ConcurrentDictionary<Guid, AgentLink> _links = new();
    private readonly AgentDialer _dial = dialer ?? QgaClient.DialAsync;

    /// <summary>guest-ping.</summary>
    public Task<Result<bool>> PingAsync(IVm vm, CancellationToken ct) =>
        WithAgentAsync(vm, QgaClient.DefaultTimeout, (a, t) => a.PingAsync(t), ct);

    /// <summary>guest-info, guest-get-osinfo, guest-get-host-name and guest-network-get-interfaces, over one connection.</summary>
    public Task<Result<GuestFacts>> FactsAsync(IVm vm, CancellationToken ct) =>
        WithAgentAsync<GuestFacts>(vm, QgaClient.DefaultTimeout, async (a, t) =>
        {
            Result<QgaAgentInfo> info = await a.InfoAsync(t).ConfigureAwait(false);
            if (!info.IsOk)
            {
                return info.Error;
            }

            // An agent may disable a command (qemu-ga -b); the facts it does give still count.
            Result<QgaOsInfo> os = await a.OsInfoAsync(t).ConfigureAwait(false);
            Result<string> name = await a.HostNameAsync(t).ConfigureAwait(false);
            Result<IReadOnlyList<QgaInterface>> nics = await a.InterfacesAsync(t).ConfigureAwait(false);
            if ((Lost(os) ?? Lost(name) ?? Lost(nics)) is { } lost)
            {
                return lost;
            }

            return new GuestFacts(info.Value, os.IsOk ? os.Value : new QgaOsInfo(), name.IsOk ? QgaText(name.Value) : "", nics.IsOk ? nics.Value : []);
        }, ct);

    /// <summary>
    /// Runs <paramref name="command"/> (program, then its arguments) in the guest and waits up to <paramref name="limit"/>;
    /// the agent has <paramref name="answer"/> (5 s unless given) to answer each request.
    /// </summary>
    public Task<Result<QgaExecResult>> ExecAsync(IVm vm, IReadOnlyList<string> command, TimeSpan limit, CancellationToken ct, TimeSpan? answer = null)
    {
        if (command.Count == 0 || string.IsNullOrEmpty(command[0]))
        {
            return Task.FromResult<Result<QgaExecResult>>(HospesError.Invalid($"no command to run in VM {vm.Record.Name}; give one after --, e.g. hospes guest {vm.Record.Name} exec -- uname -a"));
        }

        return WithAgentAsync(vm, answer ?? QgaClient.DefaultTimeout, (a, t) => a.ExecAsync(command[0], [.. command.Skip(1)], limit, t), ct);
    }

    /// <summary>guest-set-time to the host's clock (an hwclock that fails after the clock was set counts as set); answers the time sent.</summary>
    public Task<Result<DateTimeOffset>> SetTimeAsync(IVm vm, CancellationToken ct) =>
        WithAgentAsync(vm, QgaClient.DefaultTimeout, SetTimeReadBackAsync, ct);

    /// <summary>
    /// Gives a forked guest its own identity in one guest-exec (the agent answers each request in its turn under TCG, and
    /// 75 forks ask at once): `/bin/sh -c` runs <paramref name="first"/> (hospesd's own shell, e.g. the NICs' new MACs),
    /// sets the clock to the host's (`date -u -s @SECONDS`: busybox and GNU date both read it; one process fewer than
    /// guest-set-time, which runs `hwclock -w` in the guest), then execs hospes-postfork HOSTNAME (host name, a new DHCP
    /// lease, an empty neighbour table). The host name goes as an argument, never into the script. Idempotent. The
    /// guest needs the agent and hospes-postfork (the tiny guest has both; `image build debian` installs them).
    /// </summary>
    public async Task<Result<bool>> SetIdentityAsync(IVm vm, string hostname, CancellationToken ct, TimeSpan? answer = null, string? first = null)
    {
        if (!HostName().IsMatch(hostname))
        {
            return HospesError.Invalid(
                $"'{hostname}' cannot be the host name of VM {vm.Record.Name}: use letters, digits and '-' (dots between labels), at most 63 characters a label and 253 in all");
        }

        return await WithAgentAsync<bool>(vm, answer ?? QgaClient.DefaultTimeout, async (a, t) =>
        {
            long now = time.GetUtcNow().ToUnixTimeSeconds();
            string script = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{first}date -u -s @{now} > /dev/null || exit {ClockFailed}; exec {PostForkProgram} \"$1\"");
            Result<QgaExecResult> run = await a.ExecAsync("/bin/sh", ["-c", script, "hospes-identity", hostname], IdentityLimit, t, IdentityLongestPoll).ConfigureAwait(false);
            if (!run.IsOk)
            {
                return run.Error;
            }

            string step = run.Value.ExitCode == ClockFailed ? "setting its clock (date -u -s)" : $"{PostForkProgram} {hostname}";
            return run.Value.ExitCode == 0
                ? true
                : HospesError.Unavailable(
                    $"{step} failed in VM {vm.Record.Name} (exit {(run.Value.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "by signal " + run.Value.Signal)}): {QgaText(Encoding.UTF8.GetString(run.Value.Stderr)).Trim()}");
        }, ct).ConfigureAwait(false);
    }

    /// <summary>One turn on the VM's agent: its socket (from the VM's queue), its kept connection synchronised, <paramref name="use"/>.</summary>
    private async Task<Result<T>> WithAgentAsync<T>(IVm vm, TimeSpan timeout, Func<QgaClient, CancellationToken, Task<Result<T>>> use, CancellationToken ct)
    {
        Result<string> socket = await vm.RunAsync(new AgentSocketCommand(), ct).ConfigureAwait(false);
        if (!socket.IsOk)
        {
            return socket.Error;
        }

        while (true)
        {
            AgentLink link = Link(vm.Record.Uuid, vm.Record.Name);
            if (!await link.Turn.WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false))
            {
                return new HospesError(ErrorCode.Timeout, $"the guest agent of VM {vm.Record.Name} is busy with another request for 30 s; try again when it is done");
            }

            try
            {
                if (link.Ended)
                {
                    continue; // the keeper closed it while this request waited: the VM's QEMU changed
                }

                Result<QgaClient> client = await link.ReadyAsync(socket.Value, vm.Pid, timeout, ct).ConfigureAwait(false);
                return client.IsOk ? await use(client.Value, ct).ConfigureAwait(false) : client.Error;
            }
            finally
            {
                link.Turn.Release();
            }
        }
    }

    private AgentLink Link(Guid uuid, string name) => _links.GetOrAdd(uuid, _ => new AgentLink(name, _dial, time));

    /// <summary>A failure that ends the connection (not the agent refusing one command), or null.</summary>
    private static HospesError? Lost<T>(Result<T> r) => r.IsOk || r.Error.Code == ErrorCode.Conflict ? null : r.Error;

    private static string QgaText(string s) => new([.. s.Select(c => char.IsControl(c) && c is not ('\n' or '\t') ? '?' : c)]);

    // RFC 1123 host names: labels of letters, digits and '-' (not at either end), dots between them.
    [GeneratedRegex("^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostName();
}
