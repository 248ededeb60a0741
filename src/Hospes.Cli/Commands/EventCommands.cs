using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes events`: the host's events as they happen, one line each (like `incus monitor`).</summary>
internal static class EventCommands
{
    public static Command Create()
    {
        var vm = new Option<string?>("--vm") { Description = "Only this VM's events" };
        var type = new Option<string[]>("--type")
        {
            Description = $"Only these types (repeat or comma-separate): {string.Join(", ", HostEventTypes.All)}, or vm or memory for all of theirs",
            AllowMultipleArgumentsPerToken = true,
        };
        var cluster = new Option<bool>("--cluster") { Description = "Every cluster member's events, each line naming its host (in a cluster; else this host's)" };
        var cmd = new Command(
            "events",
            "Follow the host's events: VM state changes, VMs defined and removed, clone and migration progress, memory policy actions. Runs until Ctrl-C\n\nExamples:\n  hospes events\n  hospes events --vm web --type vm.state\n  hospes events --cluster        # every member's, with its host\n  hospes events --format json    # one JSON object per line")
        {
            vm, type, cluster,
        };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string[] types = [.. (p.GetValue(type) ?? []).SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
            bool json = CliContext.Json(p);
            try
            {
                await foreach (HostEvent e in client.Events.WatchAsync(p.GetValue(vm), types, p.GetValue(cluster), ct))
                {
                    await Console.Out.WriteLineAsync(json ? JsonSerializer.Serialize(e, WireJson.Options) : Line(e));
                    await Console.Out.FlushAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 0;
            }

            throw new CliException("hospesd ended the event stream (it is stopping or restarting); run `hospes events` again once it is back");
        });
        return cmd;
    }

    /// <summary>"12:00:01 vm.state web: shutoff -> running (command start)"; with --cluster "12:00:01 host-b vm.state web: …".</summary>
    internal static string Line(HostEvent e)
    {
        var line = new StringBuilder();
        line.Append(e.Time.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)).Append(' ');
        if (e.Host is not null)
        {
            line.Append(e.Host).Append(' ');
        }

        line.Append(e.Type);
        if (e.Vm is not null)
        {
            line.Append(' ').Append(e.Vm);
        }

        string? what = e.Type switch
        {
            HostEventTypes.VmState => $"{Word(e.OldState)} -> {Word(e.State)} ({e.Why}{(e.Why != "crash" && e.Message is not null ? $" {e.Message}" : "")})",
            HostEventTypes.VmRemoved => e.Message is null ? e.Why : $"{e.Why}, {e.Message}",
            HostEventTypes.VmDefined => Word(e.State),
            HostEventTypes.VmRenamed => $"was {e.OldVm}",
            HostEventTypes.Progress => string.Create(CultureInfo.InvariantCulture, $"{e.Operation} {e.Phase}{(e.Total is { } total ? $" {e.Done ?? 0}/{total} {e.Unit}" : "")}"),
            _ => null,
        };
        string? message = e.Type is HostEventTypes.VmState && e.Why != "crash" ? null : e.Message;
        if (what is not null)
        {
            line.Append(": ").Append(what);
        }

        if (message is not null)
        {
            line.Append(what is null ? ": " : " — ").Append(message);
        }

        return line.ToString();
    }

    private static string Word(Contracts.Vms.VmState? state) => state?.ToString().ToLowerInvariant() ?? "?";
}
