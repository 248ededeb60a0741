using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;

namespace Hospes.Host.Vms.Commands;

/// <summary>`hospes vnc`: the unix socket of a running guest's VNC display, for hospesd to relay.</summary>
internal sealed class VncCommand : VmCommand<string>
{
    public override VmAction Action => VmAction.Monitor;

    public override string? Verb => "open the display of";

    /// <summary>The refusal for a VM that has no display at all (whatever its state), or null.</summary>
    public static HospesError? Missing(VmRecord record)
    {
        if (record.Spec.Vnc)
        {
            return null;
        }

        string fix = record.Spec.Boot == BootMode.Hvm
            ? "add vnc = 1 to its config and start it again"
            : $"add vnc = 1 with type = 'hvm', or use `hospes console {record.Name}`";
        return HospesError.Conflict($"{record.Name} has no graphical console; {fix}");
    }

    protected override Task<Result<string>> RunAsync(VmSession vm, CancellationToken ct)
    {
        Result<string> socket = Missing(vm.Record) is { } missing ? missing : vm.Paths.VncSocket!;
        return Task.FromResult(socket);
    }
}
