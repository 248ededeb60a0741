using System.CommandLine;
using System.Globalization;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>network-attach, network-detach, network-list: xl's vif commands.</summary>
internal static class VifCommands
{
    public static IEnumerable<Command> All() => [NetworkAttach(), NetworkDetach(), NetworkList()];

    private static Command NetworkAttach()
    {
        var name = new Argument<string>("name");
        var spec = new Argument<string[]>("vifspec")
        {
            Arity = ArgumentArity.OneOrMore,
            Description = "The vif as a config's vif list takes it, its parameters as one argument or several: 'bridge=lab0,mac=52:54:00:12:34:56,ip=10.0.0.9,model=e1000' or bridge=lab0 ip=10.0.0.9",
        };
        var cmd = new Command("network-attach", "Attach a network interface to a VM (like xl network-attach): plugged in while it runs (a q35 or pc machine), and kept in its spec for its next start\n\nExamples:\n  hospes network-attach web bridge=default\n  hospes network-attach web 'bridge=lab0,mac=52:54:00:12:34:56,ip=10.0.0.9'") { name, spec };
        CliContext.Action(cmd, async (p, client, ct) =>
            Show(p, await client.Networks.AttachVifAsync(p.GetValue(name)!, new VifAttachRequest { Spec = string.Join(',', p.GetValue(spec)!) }, ct)));
        return cmd;
    }

    private static Command NetworkDetach()
    {
        var name = new Argument<string>("name");
        var vif = new Argument<string>("devid|mac") { Description = "The vif's devid (Idx in `hospes network-list NAME`) or its MAC" };
        var cmd = new Command("network-detach", "Detach a network interface from a VM (like xl network-detach): the guest gives it back while it runs\n\nExamples:\n  hospes network-detach web 1\n  hospes network-detach web 52:54:00:12:34:56") { name, vif };
        CliContext.Action(cmd, async (p, client, ct) => Show(p, await client.Networks.DetachVifAsync(p.GetValue(name)!, p.GetValue(vif)!, ct)));
        return cmd;
    }

    private static Command NetworkList()
    {
        var names = new Argument<string[]>("name") { Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("network-list", "List VMs' network interfaces (like xl network-list): xl's columns, then Hospes's network, address and tap\n\nExample:\n  hospes network-list web db") { names };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var all = new List<(string Vm, VifInfo Vif)>();
            foreach (string vm in p.GetValue(names)!)
            {
                all.AddRange((await client.Networks.ListVifsAsync(vm, ct)).Select(v => (vm, v)));
            }

            if (CliContext.Json(p))
            {
                Printer.Json(all.Select(x => new { vm = x.Vm, vif = x.Vif }).ToList());
                return 0;
            }

            return Print(all);
        });
        return cmd;
    }

    private static int Show(ParseResult p, IReadOnlyList<VifInfo> vifs)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(vifs);
            return 0;
        }

        return Print([.. vifs.Select(v => ("", v))]);
    }

    /// <summary>xl's Idx, BE, Mac Addr., handle and state (4, connected, while the VM runs); then where it goes.</summary>
    private static int Print(IReadOnlyList<(string Vm, VifInfo Vif)> vifs)
    {
        bool named = vifs.Select(v => v.Vm).Distinct().Count() > 1;
        var columns = new List<(string, bool)> { ("Idx", true), ("BE", true), ("Mac Addr.", false), ("handle", true), ("state", true), ("Network", false), ("IP", false), ("Bridge", false), ("Model", false), ("Tap", false) };
        if (named)
        {
            columns.Insert(0, ("Name", false));
        }

        var table = new Table([.. columns]);
        foreach ((string vm, VifInfo v) in vifs)
        {
            string idx = v.Index.ToString(CultureInfo.InvariantCulture);
            List<string> row = [idx, "0", v.Mac, idx, v.Tap is null ? "-" : "4", v.Network ?? "(host bridge)", v.Ip ?? "-", v.Bridge, v.Model, v.Tap ?? "-"];
            if (named)
            {
                row.Insert(0, vm);
            }

            table.Add([.. row]);
        }

        Console.Out.Write(table.ToString());
        return 0;
    }
}
