using System.CommandLine;
using System.Globalization;
using Hospes.Cli.Output;
using Hospes.Contracts;
using Hospes.Contracts.Vms;

namespace Hospes.Cli.Commands;

/// <summary>sched-credit: xl's credit-scheduler command (weight and cap, through each VM's CPU cgroup).</summary>
internal static class SchedCommands
{
    public static IEnumerable<Command> All() => [SchedCredit()];

    private static Command SchedCredit()
    {
        var domain = new Option<string>("--domain", "-d") { Description = "The VM (default: every running VM, listed)" };
        var weight = new Option<int?>("--weight", "-w") { Description = "Relative CPU weight, 1 to 65535 (256: the default; 512 gets twice the CPU of 256 when they compete)" };
        var cap = new Option<int?>("--cap", "-c") { Description = "At most this % of one host CPU (100 = one CPU, 200 = two); 0 = no cap" };
        var cmd = new Command("sched-credit", "Show or set VMs' CPU weight and cap (like xl sched-credit; the config's cpu_weight and cpu_cap), "
            + "enforced through each VM's CPU cgroup at once and kept for its next start\n\nExamples:\n  hospes sched-credit\n  hospes sched-credit -d web\n  hospes sched-credit -d web -w 512\n  hospes sched-credit -d web -c 50\n  hospes sched-credit -d web -c 0")
        {
            domain, weight, cap,
        };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string? name = p.GetValue(domain);
            int? w = p.GetValue(weight);
            int? c = p.GetValue(cap);
            if (name is null)
            {
                if (w is not null || c is not null)
                {
                    Console.Error.WriteLine("hospes: sched-credit: -w and -c need the VM they are for; add -d NAME");
                    return 2;
                }

                var rows = new List<SchedCreditInfo>();
                foreach (VmInfo vm in (await client.Vms.ListAsync(ct)).Where(v => v.State is VmState.Running or VmState.Paused))
                {
                    rows.Add(await client.Vms.SchedCreditAsync(vm.Name, ct));
                }

                return Show(p, rows);
            }

            SchedCreditInfo row = w is null && c is null
                ? await client.Vms.SchedCreditAsync(name, ct)
                : await client.Vms.SetSchedCreditAsync(name, new SchedCreditRequest { Weight = w, Cap = c }, ct);
            return Show(p, [row]);
        });
        return cmd;
    }

    private static int Show(ParseResult p, IReadOnlyList<SchedCreditInfo> rows)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(rows);
            return 0;
        }

        var table = new Table(("Name", false), ("ID", true), ("Weight", true), ("Cap", true));
        foreach (SchedCreditInfo r in rows)
        {
            table.Add(r.Name, r.Id?.ToString(CultureInfo.InvariantCulture) ?? "-", r.Weight.ToString(CultureInfo.InvariantCulture), r.Cap.ToString(CultureInfo.InvariantCulture));
        }

        Console.Out.Write(table.ToString());
        return 0;
    }
}
