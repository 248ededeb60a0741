using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Client.Units;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

internal static class DiskCommands
{
    public static Command Create() => new(
        "disk",
        "Disks in this host's store: standalone disks, images, template disks and the disks VMs own (named VM/vdev)\n\nExamples:\n  hospes disk create data --size 8G\n  hospes disk list\n  hospes disk check")
    {
        New(), List(), Info(), Resize(), Check(), Delete(),
    };

    private static Command New()
    {
        var name = new Argument<string>("name");
        var size = SizeOption.Create("Virtual size: bytes or with K, M, G, T (e.g. 8G)");
        var format = new Option<string>("--disk-format") { Description = "qcow2 (default) or raw", DefaultValueFactory = _ => "qcow2" };
        var cmd = new Command("create", "Create an empty disk; configs attach it as disk = [ 'image:NAME,qcow2,xvdb,w' ]\n\nExample:\n  hospes disk create data --size 8G") { name, size, format };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var disk = await client.Store.CreateDiskAsync(new DiskCreateRequest { Name = p.GetValue(name)!, SizeBytes = SizeOption.Bytes(p, size), Format = p.GetValue(format)! }, ct);
            return Show(p, disk, $"disk {disk.Name} created: {disk.Path} ({ByteSize.Format(disk.VirtualSizeBytes)})");
        });
        return cmd;
    }

    private static Command List()
    {
        var cmd = new Command("list", "List every volume of the store\n\nExample:\n  hospes disk list");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var disks = await client.Store.ListDisksAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(disks);
                return 0;
            }

            var table = new Table(("Name", false), ("Kind", false), ("Format", false), ("Size", true), ("File", true), ("Backing", false), ("VM", false), ("Project", false));
            foreach (VolumeInfo d in disks)
            {
                table.Add(d.Name, d.Kind, d.Format, ByteSize.Format(d.VirtualSizeBytes), d.ActualSizeBytes is { } a ? ByteSize.Format(a) : "missing", d.Backing ?? "", d.Vm ?? "", d.Project ?? "");
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command Info()
    {
        var name = new Argument<string>("name") { Description = "A disk, an image, TEMPLATE/vdev or VM/vdev" };
        var cmd = new Command("info", "Show one volume\n\nExamples:\n  hospes disk info data\n  hospes disk info web/xvda") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var d = await client.Store.GetDiskAsync(p.GetValue(name)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(d);
                return 0;
            }

            Printer.Fields([
                ("Name", d.Name), ("Kind", d.Kind), ("Path", d.Path), ("Format", d.Format), ("Size", ByteSize.Format(d.VirtualSizeBytes)),
                ("File size", d.ActualSizeBytes is { } a ? ByteSize.Format(a) : "missing"), ("Backing", d.Backing), ("VM", d.Vm), ("Template", d.Template),
                ("Checksum", d.Checksum), ("Dependents", string.Join(", ", d.Dependents)), ("Created", d.CreatedAt),
            ]);
            return 0;
        });
        return cmd;
    }

    private static Command Resize()
    {
        var name = new Argument<string>("name");
        var size = SizeOption.Create("The new virtual size (larger only), e.g. 16G");
        var cmd = new Command("resize", "Grow a disk of a stopped VM or a standalone disk; the guest grows its partition and filesystem itself\n\nExample:\n  hospes disk resize data --size 16G") { name, size };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var d = await client.Store.ResizeDiskAsync(p.GetValue(name)!, new DiskResizeRequest { SizeBytes = SizeOption.Bytes(p, size) }, ct);
            return Show(p, d, $"{d.Name} is now {ByteSize.Format(d.VirtualSizeBytes)}");
        });
        return cmd;
    }

    private static Command Check()
    {
        var name = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne, Description = "One volume; all when left out" };
        var cmd = new Command("check", "qemu-img check every volume, compare the store's rows with its files, and show what hospesd repaired at its last start\n\nExamples:\n  hospes disk check\n  hospes disk check web/xvda") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string? one = p.GetValue(name);
            var report = await client.Store.CheckAsync(one, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(report);
                return report.Ok ? 0 : 1;
            }

            foreach (VolumeCheck c in report.Volumes)
            {
                Console.Out.WriteLine($"{(c.Ok ? "ok     " : "PROBLEM")} {c.Kind}:{c.Name}  {c.Path}");
                foreach (string problem in c.Problems)
                {
                    Console.Out.WriteLine($"        {problem}");
                }

                if (c.Note is { } note)
                {
                    Console.Out.WriteLine($"        {note}");
                }
            }

            foreach (string repair in report.Repairs)
            {
                Console.Out.WriteLine($"repair  {repair}");
            }

            Console.Out.WriteLine(report.Ok ? $"{report.Volumes.Count} volume(s) checked: all clean" : $"{report.Volumes.Count(v => !v.Ok)} of {report.Volumes.Count} volume(s) have problems");
            return report.Ok ? 0 : 1;
        });
        return cmd;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("delete", "Delete a standalone disk (refused while a VM uses it)\n\nExample:\n  hospes disk delete data") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var d = await client.Store.DeleteDiskAsync(p.GetValue(name)!, ct);
            return Show(p, d, $"disk {d.Name} deleted");
        });
        return cmd;
    }

    private static int Show(ParseResult p, VolumeInfo d, string line)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(d);
        }
        else
        {
            Console.Out.WriteLine(line);
        }

        return 0;
    }
}
