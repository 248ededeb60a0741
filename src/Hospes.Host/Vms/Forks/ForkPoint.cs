using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Memory;
using Hospes.Host.State;
using Hospes.Host.Vms.Commands;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Hospes.Host.Vms.Forks;

/// <summary>
/// The fork point, in the parent's queue: the guest stops, its device state (not its RAM: x-ignore-shared) goes to
/// <c>FORK/state</c>, its RAM file gets a second name <c>FORK/ram</c> (a hard link: the same pages), and the parent
/// continues as a fork of itself: a new QEMU on the same name, uuid and MACs that maps that file privately, so it never
/// again writes a page its children map. Until the parent's record names the fork's file, nothing is changed that a
/// `cont` does not undo.
/// </summary>
/// <remarks>
/// Writable disks: once the parent's QEMU has quit at the fork point, <paramref name="split"/> turns each into a read-only
/// base under a new overlay in its place (<see cref="ForkDisks.SplitAsync"/>), offline; the parent continues on that overlay.
/// </remarks>
internal sealed class ForkPoint(VmLauncher launcher, FileStreams streams, Balloons balloons, string forkDir, ILogger log, Func<CancellationToken, Task<Result<bool>>>? split = null, bool freeze = false) : VmCommand<VmRecord>
{
    public const string IgnoreShared = "x-ignore-shared";

    public override VmAction Action => VmAction.Save;

    public override string? Verb => "fork";

    public string RamFile => Path.Combine(forkDir, ForkRam.RamName);

    public string StateFile => Path.Combine(forkDir, ForkRam.StateName);

    /// <summary>Why the disks could not be split at the fork point (they are as they were, and the parent runs on them); null when they were.</summary>
    public HospesError? SplitFailed { get; private set; }

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        if (Refusal(r) is { } refused)
        {
            return refused;
        }

        IQmp qmp = vm.Qmp!;
        if (await HotplugGuard.RefuseAsync(r, qmp, "forked", ct).ConfigureAwait(false) is { } plugged)
        {
            return plugged;
        }

        bool agentChannel = (await qmp.DeviceIdsAsync(ct).ConfigureAwait(false)).Contains(QemuNames.AgentSerial);
        int offset = SaveFile.WriteHeader(StateFile, new SaveHeader
        {
            AgentChannel = agentChannel,
            Spec = r.Spec,
            WasRunning = true,
            SavedAt = vm.Time.GetUtcNow(),
            QemuVersion = qmp.QemuVersion.ToString(),
            Machine = r.Machine,
            Accel = r.Accel,
            RamMib = balloons.Of(qmp).BootedMib,
        });

        MigrationStatus status;
        try
        {
            await qmp.StopAsync(ct).ConfigureAwait(false);
            await qmp.SetCapabilitiesAsync(new Dictionary<string, bool> { [IgnoreShared] = true }, ct).ConfigureAwait(false);
            using SafeFileHandle file = File.OpenHandle(StateFile, FileMode.Open, FileAccess.Write);
            long fdSet = await qmp.AddFdAsync(file, "fork", ct).ConfigureAwait(false);
            try
            {
                await qmp.MigrateAsync($"file:{QmpFiles.FdSetPath(fdSet)},offset={offset}", ct).ConfigureAwait(false);
                status = await streams.WaitAsync(qmp).ConfigureAwait(false);
            }
            finally
            {
                if (vm.Qmp is { } q)
                {
                    await q.RemoveFdSetAsync(fdSet, CancellationToken.None).ConfigureAwait(false);
                }
            }

            if (status.IsCompleted)
            {
                Link(r.RamFile!, RamFile);
            }
        }
        catch (Exception e) when (e is QmpException or TimeoutException or QmpDisconnectedException or IOException or UnauthorizedAccessException)
        {
            status = new MigrationStatus("failed", e.Message, 0);
        }

        if (!status.IsCompleted)
        {
            await ContinueAsync(vm).ConfigureAwait(false);
            return new HospesError(ErrorCode.Internal, $"cannot fork {r.Name}: saving its device state failed: {status.Error ?? status.Status}; {(vm.Qmp is null ? "its QEMU is gone" : "the guest continues")}");
        }

        // From here the parent's record names the fork's file: a hospesd killed now finds it saved at the fork point.
        vm.Commit(r with { RamFile = RamFile });
        await vm.StopQemuAsync().ConfigureAwait(false);
        vm.Commit(GuestEvents.Stopped(vm.Record, VmState.Saved) with { SavePath = StateFile, RamFile = RamFile });
        if (split is not null && await split(CancellationToken.None).ConfigureAwait(false) is { IsOk: false } splitting)
        {
            // Undone: the disks hold the fork point's state as they did, so the parent continues from it all the same.
            SplitFailed = splitting.Error;
        }

        if (freeze && SplitFailed is null)
        {
            // Frozen: saved at the fork point, a template of its running state; `hospes start` continues it from there.
            return vm.Record;
        }

        Result<VmRecord> again = await RestoreCommand.RestoreAsync(vm, launcher, streams, StateFile, paused: false, log).ConfigureAwait(false);
        if (!again.IsOk)
        {
            // Saved at the fork point: `hospes start` continues it from there; the forks go on.
            return again.Error with { Message = $"{r.Name} was forked but does not run again: {again.Error.Message}; `hospes start {r.Name}` continues it from the fork point" };
        }

        return SplitFailed is { } failed ? failed : again;
    }

    /// <summary>
    /// Why this VM cannot be forked now; null when it can. <paramref name="ownMemoryFirst"/>: a VM that runs on an earlier
    /// fork point's memory is not refused, since the fork gives it memory of its own first (<see cref="ForkService"/>).
    /// </summary>
    public static HospesError? Refusal(VmRecord r, bool ownMemoryFirst = false)
    {
        if (r.State != VmState.Running)
        {
            return HospesError.State($"cannot fork {r.Name}: it is {r.State.ToString().ToLowerInvariant()}; fork copies a running guest: start it first (`hospes start {r.Name}`)");
        }

        if (r.Spec.PciDevices.Count > 0)
        {
            return HospesError.Invalid($"cannot fork {r.Name}: it has PCI passthrough devices ({string.Join(", ", r.Spec.PciDevices)}), which one host device cannot be in several guests at once; remove pci= from its config");
        }

        if (!r.Spec.Forkable)
        {
            return HospesError.Invalid($"cannot fork {r.Name}: its RAM is not a file that forks can share; add forkable = 1 to its config, then shut it down and start it again");
        }

        if (r.RamFile is null || (ForkRam.IsForkRam(r.RamFile) && !ownMemoryFirst))
        {
            return HospesError.State($"cannot fork {r.Name}: it runs on the memory of an earlier fork point (mapped privately, so a fork of it would miss its own changes); shut it down and start it again to fork it");
        }

        return null;
    }

    /// <summary>A second name for the RAM file's pages: the fork point holds them whatever becomes of the parent's own name.</summary>
    private static void Link(string from, string to)
    {
        if (LinkFile(from, to) != 0)
        {
            throw new IOException($"cannot link {from} to {to}: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    private static extern int LinkFile([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string from, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string to);

    /// <summary>The fork did not happen: the parent's QEMU saves whole RAM again (a later save or migration) and runs on.</summary>
    private static async Task ContinueAsync(VmSession vm)
    {
        if (vm.Qmp is not { } qmp)
        {
            return;
        }

        try
        {
            await qmp.SetCapabilitiesAsync(new Dictionary<string, bool> { [IgnoreShared] = false }).ConfigureAwait(false);
            await qmp.ContAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or QmpDisconnectedException)
        {
            // QEMU went meanwhile; its exit is handled next in the queue.
        }
    }
}
