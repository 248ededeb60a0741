using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>block-attach, block-detach, block-list: xl's disk commands.</summary>
internal static class BlockCommands
{
    public static IEnumerable<Command> All() => [BlockAttach(), BlockDetach(), BlockList()];

    private static Command BlockAttach()
    {
        var name = new Argument<string>("name");
        var spec = new Argument<string>("disk") { Description = "A disk as a config's disk list takes it: 'file:/srv/data.img,xvdb,w', 'image:data,xvdb,w', 'phy:/dev/vg/data,xvdc,r'" };
        var cmd = new Command("block-attach", "Attach a disk to a VM (like xl block-attach): plugged in while it runs (a q35 or pc machine), and kept in its spec for its next start\n\nExamples:\n  hospes block-attach web 'file:/srv/data.img,xvdb,w'\n  hospes block-attach web 'image:data,xvdb,w'") { name, spec };
        CliContext.Action(cmd, async (p, client, ct) =>
            Show(p, await client.Blocks.AttachAsync(p.GetValue(name)!, new BlockAttachRequest { Spec = p.GetValue(spec)!, BaseDirectory = Environment.CurrentDirectory }, ct)));
        return cmd;
    }

    private static Command BlockDetach()
    {
        var name = new Argument<string>("name");
        var vdev = new Argument<string>("vdev") { Description = "The disk's vdev, e.g. xvdb (`hospes block-list NAME`)" };
        var cmd = new Command("block-detach", "Detach a disk from a VM (like xl block-detach): the guest gives it back while it runs; never the boot disk\n\nExample:\n  hospes block-detach web xvdb") { name, vdev };
        CliContext.Action(cmd, async (p, client, ct) => Show(p, await client.Blocks.DetachAsync(p.GetValue(name)!, p.GetValue(vdev)!, ct)));
        return cmd;
    }

    private static Command BlockList()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("block-list", "List a VM's disks (like xl block-list)\n\nExample:\n  hospes block-list web") { name };
        CliContext.Action(cmd, async (p, client, ct) => Show(p, await client.Blocks.ListAsync(p.GetValue(name)!, ct)));
        return cmd;
    }

    private static int Show(ParseResult p, IReadOnlyList<BlockInfo> disks)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(disks);
            return 0;
        }

        var table = new Table(("Vdev", false), ("Type", false), ("Mode", false), ("Format", false), ("Target", false));
        foreach (BlockInfo d in disks)
        {
            table.Add(d.Vdev, d.Type, d.Mode, d.Format, d.Target);
        }

        Console.Out.Write(table.ToString());
        return 0;
    }
}
