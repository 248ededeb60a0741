using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Console;

namespace Hospes.Host.Vms;

internal sealed partial class VmActor
{
    /// <summary>Joins the VM's console; the session ends when the VM stops.</summary>
    public Task<Result<ConsoleSession>> AttachConsoleAsync(CancellationToken ct) => EnqueueAsync<ConsoleSession>(async () =>
    {
        if (_console is null || Record.State is VmState.Shutoff or VmState.Saved)
        {
            return HospesError.State(
                $"cannot attach to the console of {Record.Name}: it is {Record.State.ToString().ToLowerInvariant()}; "
                + $"`hospes console {Record.Name} --show-log` shows what it wrote");
        }

        return await _console.AttachAsync(ct).ConfigureAwait(false);
    });

    /// <summary>Everything the guest wrote on its console, across runs (QEMU appends to the log).</summary>
    public string ConsoleLogPath => _ctx.Paths(Record.Uuid).ConsoleLog;
}
