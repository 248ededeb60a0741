using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Settings;
using Hospes.Qemu.Host;

namespace Hospes.Host.Machine;

/// <summary>
/// The QEMU binary and the accelerator decision, found once per daemon start. The probe runs in the
/// background so hospesd answers at once; the first VM start waits for it.
/// </summary>
internal sealed class HostRuntime
{
    private readonly Lazy<Task<Result<QemuBinary>>> _qemu;
    private readonly Lazy<Task<AccelDecision?>> _accel;

    public HostRuntime(HostOptions options, TimeProvider time)
    {
        _qemu = new Lazy<Task<Result<QemuBinary>>>(() => QemuBinary.DetectAsync(options.QemuPath, CancellationToken.None));
        _accel = new Lazy<Task<AccelDecision?>>(async () =>
        {
            Result<QemuBinary> qemu = await _qemu.Value.ConfigureAwait(false);
            return qemu.IsOk ? await AccelProbe.DecideAsync(qemu.Value, options.AccelCachePath, time, CancellationToken.None).ConfigureAwait(false) : null;
        });
    }

    /// <summary>A runtime whose QEMU and accelerator are known already (tests: no detection, no probe guest).</summary>
    public HostRuntime(QemuBinary qemu, AccelDecision accel)
    {
        _qemu = new Lazy<Task<Result<QemuBinary>>>(Task.FromResult<Result<QemuBinary>>(qemu));
        _accel = new Lazy<Task<AccelDecision?>>(Task.FromResult<AccelDecision?>(accel));
    }

    public Task<Result<QemuBinary>> QemuAsync() => _qemu.Value;

    public Task<AccelDecision?> AccelAsync() => _accel.Value;

    /// <summary>Starts detection and the probe without waiting.</summary>
    public void Warm() => _ = _accel.Value;

    /// <summary>The accelerator for a VM: its own choice, or the probe's for "auto".</summary>
    public async Task<Result<Accelerator>> ResolveAsync(Accelerator requested)
    {
        if (requested != Accelerator.Auto)
        {
            if (requested == Accelerator.Kvm && !File.Exists("/dev/kvm"))
            {
                return HospesError.Unavailable("accel = 'kvm' but this host has no /dev/kvm; use accel = 'auto' or 'tcg'");
            }

            return requested;
        }

        AccelDecision? decision = await AccelAsync().ConfigureAwait(false);
        return decision?.Chosen ?? Accelerator.Tcg;
    }
}
