using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;

namespace Hospes.Host.Vms.Agent;

/// <summary>The unix socket of a running guest's agent channel, read in the VM's queue so it belongs to the QEMU that runs now.</summary>
internal sealed class AgentSocketCommand : VmCommand<string>
{
    public override VmAction Action => VmAction.Monitor;

    public override string? Verb => "reach the guest agent of";

    protected override Task<Result<string>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        if (r.State == VmState.Paused)
        {
            return Task.FromResult<Result<string>>(HospesError.State($"VM {r.Name} is paused, so its guest agent cannot answer; unpause it first (hospes unpause {r.Name})"));
        }

        return Task.FromResult<Result<string>>(vm.Paths.AgentSocket is { } socket
            ? socket
            : HospesError.State($"VM {r.Name} has no guest agent channel; start it again"));
    }
}
