using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes fork VM NAME --count N`: running copies of a running VM that share its memory copy-on-write.</summary>
internal static class ForkCommand
{
    public static Command Create()
    {
        var vm = new Argument<string>("vm") { Description = "The running VM to fork (it needs forkable = 1 in its config)" };
        var name = new Argument<string>("name") { Description = "The fork's name; with --count a pattern where {i} becomes 1..N" };
        var count = new Option<int>("--count") { Description = "How many forks", DefaultValueFactory = _ => 1 };
        var freeze = new Option<bool>("--freeze") { Description = "The VM stays frozen at the fork point, a template of its running state (`hospes start` continues it), instead of running on" };
        var cmd = new Command(
            "fork",
            "Make running copies of a running VM in a moment: each shares the VM's memory copy-on-write, with its own name, UUID and MACs; the VM runs on\n\nExamples:\n  hospes fork web 'grid-{i}' --count 75\n  hospes fork web web-try\n  hospes fork web 'grid-{i}' --count 75 --freeze")
        {
            vm, name, count, freeze,
        };
        CliContext.Action(cmd, (p, client, ct) => RunAsync(p, client, p.GetValue(vm)!, new ForkRequest { Name = p.GetValue(name)!, Count = p.GetValue(count), Freeze = p.GetValue(freeze) }, ct));
        return cmd;
    }

    /// <summary>The fork, and what it made; also `clone --instant`.</summary>
    public static async Task<int> RunAsync(ParseResult p, Hospes.Client.HospesClient client, string vm, ForkRequest request, CancellationToken ct)
    {
        ForkResult done = await client.Vms.ForkAsync(vm, request, ct);
        if (CliContext.Json(p))
        {
            Printer.Json(done);
        }
        else
        {
            foreach (ForkFailure f in done.Failed)
            {
                await Console.Error.WriteLineAsync($"failed: {f.Name}: {f.Error}");
            }

            string frozen = request.Freeze ? $"; {done.Parent} is frozen at the fork point (`hospes start {done.Parent}` continues it)" : "";
            Console.Out.WriteLine($"{done.Parent}: {done.Forks.Count} fork{(done.Forks.Count == 1 ? "" : "s")} running ({string.Join(", ", done.Forks.Select(f => f.Name))}) in {done.Ms} ms{frozen}");
        }

        return done.Failed.Count == 0 ? 0 : 1;
    }
}
