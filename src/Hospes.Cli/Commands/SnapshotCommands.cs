using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Client.Units;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

internal static class SnapshotCommands
{
    public static Command Create() => new(
        "snapshot",
        "Internal qcow2 snapshots of a VM's disks; of a running VM they include its memory\n\nExamples:\n  hospes snapshot create web before-upgrade\n  hospes snapshot revert web before-upgrade")
    {
        New(), List(), Revert(), Delete(),
    };

    private static Command New()
    {
        var (vm, name) = Args();
        var cmd = new Command("create", "Snapshot a VM, stopped or running\n\nExample:\n  hospes snapshot create web before-upgrade") { vm, name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var s = await client.Store.CreateSnapshotAsync(p.GetValue(vm)!, new SnapshotRequest { Name = p.GetValue(name)! }, ct);
            return Show(p, s, $"snapshot {s.Name} of {p.GetValue(vm)} created{(s.VmStateBytes > 0 ? $" with {ByteSize.Format(s.VmStateBytes)} of memory" : "")}");
        });
        return cmd;
    }

    private static Command List()
    {
        var vm = new Argument<string>("vm");
        var cmd = new Command("list", "List a VM's snapshots\n\nExample:\n  hospes snapshot list web") { vm };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var all = await client.Store.ListSnapshotsAsync(p.GetValue(vm)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("Name", false), ("Taken", false), ("Memory", true), ("Disks", false));
            foreach (SnapshotInfo s in all)
            {
                table.Add(s.Name, Printer.Format(s.CreatedAt), s.VmStateBytes > 0 ? ByteSize.Format(s.VmStateBytes) : "-", string.Join(",", s.Disks));
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command Revert()
    {
        var (vm, name) = Args();
        var cmd = new Command("revert", "Return a VM's disks (and, if it runs, its memory) to a snapshot\n\nExample:\n  hospes snapshot revert web before-upgrade") { vm, name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var s = await client.Store.RevertSnapshotAsync(p.GetValue(vm)!, p.GetValue(name)!, ct);
            return Show(p, s, $"{p.GetValue(vm)} reverted to snapshot {s.Name}");
        });
        return cmd;
    }

    private static Command Delete()
    {
        var (vm, name) = Args();
        var cmd = new Command("delete", "Delete a snapshot\n\nExample:\n  hospes snapshot delete web before-upgrade") { vm, name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var s = await client.Store.DeleteSnapshotAsync(p.GetValue(vm)!, p.GetValue(name)!, ct);
            return Show(p, s, $"snapshot {s.Name} of {p.GetValue(vm)} deleted");
        });
        return cmd;
    }

    private static (Argument<string> Vm, Argument<string> Name) Args() => (new Argument<string>("vm"), new Argument<string>("name") { Description = "The snapshot's name" });

    private static int Show(ParseResult p, SnapshotInfo s, string line)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(s);
        }
        else
        {
            Console.Out.WriteLine(line);
        }

        return 0;
    }
}
