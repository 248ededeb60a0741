using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Client;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes host evacuate HOST [--mode live|stop]` and `hospes host restore HOST` (issue 17).</summary>
internal static class EvacuateCommands
{
    public static IEnumerable<Command> All() => [Evacuate(), Restore()];

    private static Command Evacuate()
    {
        var host = new Argument<string>("host") { Description = "The cluster member to empty (`hospes cluster list` shows them)" };
        var mode = new Option<string>("--mode") { Description = "live (default): running VMs migrate to the other hosts; stop: they shut down on HOST" };
        mode.AcceptOnlyFromAmong("live", "stop");
        var cmd = new Command(
            "evacuate",
            "Empty a cluster member for maintenance: it takes no new VMs, and its running VMs migrate live to the up host with the most free memory (or, --mode stop, shut down there); run from any member\n\nExamples:\n  hospes host evacuate pc07\n  hospes host evacuate pc07 --mode stop")
        {
            host, mode,
        };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string name = p.GetValue(host)!;
            bool json = CliContext.Json(p);
            EvacuationEvent? last = null;
            await foreach (EvacuationEvent e in client.Evacuations.EvacuateAsync(name, new HostEvacuateRequest { Mode = p.GetValue(mode) }, ct))
            {
                last = e;
                if (!json && e.Event is not ("done" or "error" or "migration"))
                {
                    await Console.Error.WriteLineAsync(e.Vm is null ? e.Message : $"{e.Vm}: {e.Message}");
                }
            }

            if (last is null || last.Event is not ("done" or "error"))
            {
                throw new CliException($"hospesd ended the evacuation stream of {name} without a result; `hospes cluster list` and `hospes list` on {name} show where it got to");
            }

            if (last.Event == "error")
            {
                throw new HospesApiException(ErrorCodes.Internal, last.Message ?? "evacuation failed");
            }

            EvacuationReport r = last.Report!;
            if (json)
            {
                Printer.Json(r);
            }
            else
            {
                Console.Out.WriteLine($"host {r.Host} evacuated ({r.Mode}): {r.Moved.Count} moved, {r.Stopped.Count} stopped, {r.Left.Count} not running, {r.Failed.Count} could not leave");
                foreach (EvacuatedVm f in r.Failed)
                {
                    Console.Out.WriteLine($"  {f.Vm} stays on {r.Host}: {f.Why}");
                }
            }

            return r.Failed.Count == 0 ? 0 : 1;
        });
        return cmd;
    }

    private static Command Restore()
    {
        var host = new Argument<string>("host") { Description = "The evacuated member" };
        var cmd = new Command("restore", "Take an evacuated cluster member back into service: it takes VMs again, and what `--mode stop` stopped starts again\n\nExample:\n  hospes host restore pc07") { host };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            HostRestoreResult r = await client.Evacuations.RestoreAsync(p.GetValue(host)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(r);
                return 0;
            }

            Console.Out.WriteLine($"host {r.Host} takes VMs again{(r.Started.Count > 0 ? $"; started again: {string.Join(", ", r.Started)}" : "")}");
            foreach (EvacuatedVm f in r.Failed)
            {
                Console.Out.WriteLine($"  {f.Vm} did not start: {f.Why}");
            }

            return r.Failed.Count == 0 ? 0 : 1;
        });
        return cmd;
    }
}
