using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms.Commands;

/// <summary>
/// Presses the ACPI power button, for a shutdown or (as libvirt does for guests without an agent) a reboot: when
/// the guest has shut down, on_reboot is applied instead of on_poweroff. The result is when it was pressed; the
/// guest's answer arrives later as an event.
/// </summary>
internal sealed class PowerButtonCommand(bool reboot) : VmCommand<DateTimeOffset>
{
    public override VmAction Action => reboot ? VmAction.Reboot : VmAction.Shutdown;

    protected override async Task<Result<DateTimeOffset>> RunAsync(VmSession vm, CancellationToken ct)
    {
        DateTimeOffset asked = vm.Time.GetUtcNow();
        if (reboot)
        {
            vm.Guest.RebootRequested = true;
        }

        await vm.Qmp!.SystemPowerdownAsync(ct).ConfigureAwait(false);
        return asked;
    }
}
