using System.Text;
using Hospes.Core.Errors;
using Hospes.Host.Machine;
using Hospes.Qemu.Qga;

namespace Hospes.Host.Vms.Agent;

/// <summary>
/// A fork's identity without a process in its guest (issue 16). Under TCG every fork translates afresh whatever its guest
/// runs after the fork, and the first process the agent starts (fork, exec, a shell's start-up) is most of a fork's own
/// cost: measured on single forks of the tiny guest, the one-exec identity took 0.23-0.31 CPU-s of its QEMU and grew its
/// translation cache by 6 MiB; the host name written through the agent's file calls took 0.04 CPU-s.
/// </summary>
internal sealed partial class GuestAgent
{
    /// <summary>The kernel's host name: what `hostname NAME` sets (sethostname), writable as a file.</summary>
    public const string KernelHostNameFile = "/proc/sys/kernel/hostname";

    public const string HostNameFile = "/etc/hostname";

    /// <summary>
    /// A guest's host name through the agent's own file calls (guest-file-open/-write/-close, no process in the guest):
    /// NAME into /proc/sys/kernel/hostname (the running kernel's, as `hostname NAME`) and NAME + newline into /etc/hostname.
    /// For a fork without NICs this is all of hospes-postfork's work but the clock (<see cref="SetClockAsync"/>).
    /// An agent that refuses file calls (qemu-ga -b) fails it: the caller falls back to <see cref="SetIdentityAsync"/>.
    /// </summary>
    public async Task<Result<bool>> SetHostNameAsync(IVm vm, string hostname, CancellationToken ct, TimeSpan? answer = null)
    {
        if (!HostName().IsMatch(hostname))
        {
            return HospesError.Invalid(
                $"'{hostname}' cannot be the host name of VM {vm.Record.Name}: use letters, digits and '-' (dots between labels), at most 63 characters a label and 253 in all");
        }

        return await WithAgentAsync<bool>(vm, answer ?? QgaClient.DefaultTimeout, async (a, t) =>
        {
            foreach ((string path, string text) in new[] { (KernelHostNameFile, hostname), (HostNameFile, hostname + "\n") })
            {
                Result<bool> written = await a.WriteFileAsync(path, Encoding.ASCII.GetBytes(text), t).ConfigureAwait(false);
                if (!written.IsOk)
                {
                    return written.Error with { Message = $"writing its host name into {path} failed in VM {vm.Record.Name}: {written.Error.Message}" };
                }
            }

            return true;
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The guest's clock to the host's. A fork's clock stands where the parent's stood at the fork point until this runs
    /// (under TCG the guest's TSC does not advance while a VM is stopped or in a file). First guest-set-time: qemu-ga sets
    /// the system clock itself (settimeofday), then starts `hwclock -w` for the hardware clock; measured on forks of the
    /// tiny guest it costs about half of a guest-exec of `date` (glib's spawn with pipes, the status polls). A guest whose
    /// hwclock fails (no /sbin/hwclock, no RTC device) fails only that second part: its clock is read back
    /// (guest-get-time) and taken as set when it is within <see cref="ClockSlack"/> of the host's. An agent that
    /// refuses guest-set-time (qemu-ga -b) gets one guest-exec of `date -u -s @SECONDS` (busybox and GNU date both read
    /// it; found on the agent's PATH), its status asked at most every 2 s.
    /// </summary>
    public Task<Result<bool>> SetClockAsync(IVm vm, CancellationToken ct, TimeSpan? answer = null) =>
        WithAgentAsync<bool>(vm, answer ?? QgaClient.DefaultTimeout, async (a, t) =>
        {
            Result<DateTimeOffset> set = await SetTimeReadBackAsync(a, t).ConfigureAwait(false);
            if (set.IsOk || a.IsBroken)
            {
                return set.IsOk ? true : set.Error;
            }

            long seconds = time.GetUtcNow().ToUnixTimeSeconds();
            Result<QgaExecResult> run = await a.ExecAsync("date", ["-u", "-s", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"@{seconds}")], IdentityLimit, t, IdentityLongestPoll).ConfigureAwait(false);
            if (!run.IsOk)
            {
                return run.Error with { Message = $"setting the clock of VM {vm.Record.Name} failed: guest-set-time said: {set.Error.Message}; date -u -s said: {run.Error.Message}" };
            }

            return run.Value.ExitCode == 0
                ? true
                : HospesError.Unavailable(
                    $"setting its clock failed in VM {vm.Record.Name}: guest-set-time said: {set.Error.Message}; date -u -s (exit {(run.Value.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "by signal " + run.Value.Signal)}): {QgaText(Encoding.UTF8.GetString(run.Value.Stderr)).Trim()}");
        }, ct);

    /// <summary>
    /// guest-set-time to the host's clock; answers the time sent. qemu-ga sets the system clock, then runs
    /// `/sbin/hwclock -w`: when only that fails (the tiny guest has no hwclock; a guest may have no RTC device) the
    /// guest's clock is read back and counts as set within <see cref="ClockSlack"/> of the host's. Otherwise the
    /// agent's error (guest-set-time refused, the clock not set).
    /// </summary>
    private async Task<Result<DateTimeOffset>> SetTimeReadBackAsync(QgaClient a, CancellationToken t)
    {
        DateTimeOffset sent = time.GetUtcNow();
        Result<bool> set = await a.SetTimeAsync(sent, t).ConfigureAwait(false);
        if (set.IsOk || a.IsBroken)
        {
            return set.IsOk ? sent : set.Error;
        }

        Result<DateTimeOffset> now = await a.GetTimeAsync(t).ConfigureAwait(false);
        return now.IsOk && (now.Value - time.GetUtcNow()).Duration() <= ClockSlack ? sent : set.Error;
    }

    /// <summary>How far a guest's clock, read back after guest-set-time failed in its hwclock step, may be from the host's and count as set.</summary>
    private static readonly TimeSpan ClockSlack = TimeSpan.FromSeconds(2);
}
