using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

internal static class TemplateCommands
{
    public static Command Create() => new(
        "template",
        "Templates: read-only copies of a stopped VM's disks and settings that clones are made from\n\nExamples:\n  hospes template create web --name web-tmpl\n  hospes template list\n  hospes clone web-tmpl 'grid-{i}' --count 75")
    {
        New(), List(), Info(), Delete(),
    };

    private static Command New()
    {
        var vm = new Argument<string>("vm") { Description = "A stopped VM (with --running, a running one with forkable = 1)" };
        var name = new Option<string>("--name") { Description = "The template's name", Required = true };
        var running = new Option<bool>("--running") { Description = "A template of the VM's running state: a fork of it frozen at a fork point (the VM runs on); `hospes clone NAME PATTERN --instant` forks it" };
        var cmd = new Command("create", "Make a template of a stopped VM; the VM stays as it is\n\nExamples:\n  hospes template create web --name web-tmpl\n  hospes template create web --running --name web-live") { vm, name, running };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            if (p.GetValue(running))
            {
                ForkResult made = await client.Vms.ForkAsync(p.GetValue(vm)!, new ForkRequest { Name = p.GetValue(name)!, Template = true }, ct);
                if (made.Failed.Count > 0)
                {
                    throw new CliException($"template {made.Failed[0].Name} was not made: {made.Failed[0].Error}");
                }

                var live = await client.Store.GetTemplateAsync(p.GetValue(name)!, ct);
                return Show(p, live, $"template {live.Name} created from {made.Parent}'s running state ({live.Disks.Count} disk(s)); `hospes clone {live.Name} PATTERN --count N --instant` forks it");
            }

            var t = await client.Store.CreateTemplateAsync(new TemplateCreateRequest { Vm = p.GetValue(vm)!, Name = p.GetValue(name)! }, ct);
            return Show(p, t, $"template {t.Name} created from {t.SourceVm} ({t.Disks.Count} disk(s))");
        });
        return cmd;
    }

    private static Command List()
    {
        var cmd = new Command("list", "List the templates\n\nExample:\n  hospes template list");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var all = await client.Store.ListTemplatesAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("Name", false), ("From VM", false), ("Mem(MiB)", true), ("VCPUs", true), ("Disks", true), ("Clones", true), ("Project", false));
            foreach (TemplateInfo t in all)
            {
                table.Add(t.Name, t.Running ? "(running state)" : t.CopyOfDeleted ? $"{t.SourceVm} (copy of a deleted template)".TrimStart() : t.SourceVm ?? "", t.MemoryMib.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Vcpus.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Disks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Clones.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Project);
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command Info()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("info", "Show one template, its disks and its linked clones\n\nExample:\n  hospes template info web-tmpl") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var t = await client.Store.GetTemplateAsync(p.GetValue(name)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(t);
                return 0;
            }

            Printer.Fields([
                ("Name", t.Name), ("From VM", t.SourceVm), ("Memory", $"{t.MemoryMib} MiB"), ("VCPUs", t.Vcpus), ("Ready marker", t.ReadyMarker),
                ("Disks", string.Join(", ", t.Disks.Select(d => d.Path))), ("Clones", string.Join(", ", t.Clones)), ("Created", t.CreatedAt), ("Copy of", t.CopiedFrom is { } home ? $"host {home}'s template{(t.CopyOfDeleted ? " (deleted there; kept for its linked clones here)" : "")}" : null),
            ]);
            return 0;
        });
        return cmd;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("delete", "Delete a template (refused while linked clones depend on it)\n\nExample:\n  hospes template delete web-tmpl") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var t = await client.Store.DeleteTemplateAsync(p.GetValue(name)!, ct);
            return Show(p, t, $"template {t.Name} deleted");
        });
        return cmd;
    }

    private static int Show(ParseResult p, TemplateInfo t, string line)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(t);
        }
        else
        {
            Console.Out.WriteLine(line);
        }

        return 0;
    }
}
