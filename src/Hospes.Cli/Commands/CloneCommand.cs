using System.CommandLine;
using System.Globalization;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

internal static class CloneCommand
{
    public static Command Create()
    {
        var template = new Argument<string>("template");
        var name = new Argument<string>("name") { Description = "The clone's name; with --count a pattern where {i} becomes 1..N" };
        var count = new Option<int>("--count") { Description = "How many clones", DefaultValueFactory = _ => 1 };
        var start = new Option<bool>("--start") { Description = "Start each clone and wait for its guest to be ready" };
        var full = new Option<bool>("--full") { Description = "Independent copies instead of linked clones (overlays on the template)" };
        var marker = new Option<string?>("--ready-marker") { Description = "What a started clone prints on its console once up (default: the template's known marker; without one, a clone is ready once running)" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds one clone may take from start to ready", DefaultValueFactory = _ => 300 };
        var host = new Option<string?>("--host") { Description = "In a cluster: put every clone on this host (default: the scheduler spreads them over the hosts)" };
        var instant = new Option<bool>("--instant") { Description = "Forks of a running template (`template create VM --running`): running copies of its memory in a moment" };
        var cmd = new Command(
            "clone",
            "Make VMs from a template: linked clones in seconds, each with its own name, UUID, MACs and hostname\n\nExamples:\n  hospes clone web-tmpl 'grid-{i}' --count 75 --start\n  hospes clone web-tmpl solo --full")
        {
            template, name, count, start, full, marker, timeout, instant, host,
        };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            if (p.GetValue(instant))
            {
                if (p.GetValue(full))
                {
                    throw new CliException("--instant and --full do not go together: instant clones share the running template's memory and disks copy-on-write; drop one of them");
                }

                return await ForkCommand.RunAsync(p, client, p.GetValue(template)!, new ForkRequest { Name = p.GetValue(name)!, Count = p.GetValue(count), Host = p.GetValue(host) }, ct);
            }

            var request = new CloneRequest { Name = p.GetValue(name)!, Count = p.GetValue(count), Start = p.GetValue(start), Full = p.GetValue(full), ReadyTimeoutS = p.GetValue(timeout), ReadyMarker = p.GetValue(marker), Host = p.GetValue(host) };
            bool json = CliContext.Json(p);
            var bar = new ProgressLine(Console.Error, request.Start);
            CloneEvent? done = null;
            await foreach (CloneEvent e in client.Store.CloneAsync(p.GetValue(template)!, request, ct))
            {
                if (e.Event == "done")
                {
                    done = e;
                }
                else if (!json)
                {
                    bar.Show(e);
                }
            }

            bar.End();
            if (done is null)
            {
                throw new CliException("hospesd ended the clone stream without a summary; see `hospes list` for what was made");
            }

            if (json)
            {
                Printer.Json(done);
            }
            else
            {
                // In a cluster: which host got which clones.
                foreach (var onHost in (done.Hosts ?? new Dictionary<string, string>()).GroupBy(h => h.Value, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{onHost.Key}: {onHost.Count()} clone(s): {string.Join(", ", onHost.Select(h => h.Key))}"));
                }

                foreach (string failure in done.Failures)
                {
                    await Console.Error.WriteLineAsync($"failed: {failure}");
                }

                string readyPart = request.Start ? $", {done.Ready} ready" : "";
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{done.Created} of {done.Total} clone(s) created{readyPart}, {done.Failed} failed, in {done.ElapsedS:0.0} s"));
            }

            return done.Failed == 0 ? 0 : 1;
        });
        return cmd;
    }
}
