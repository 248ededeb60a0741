using System.CommandLine;
using System.Globalization;
using Hospes.Cli.Output;
using Hospes.Contracts;
using Hospes.Contracts.Vms;

namespace Hospes.Cli.Commands;

/// <summary>sched-credit: xl's credit-scheduler command (weight and cap, through each VM's CPU cgroup).</summary>
internal static class SchedCommands
{
    /// <summary>Xen's default CPU pool; the only one here (xl cpupool-list shows Pool-0 on a host that made no other).</summary>
    internal const string OnePool = "Pool-0";

    public static IEnumerable<Command> All() => [SchedCredit()];

    private static Command SchedCredit()
    {
        var domain = new Option<string>("--domain", "-d") { Description = "The VM (default: every running VM, listed)" };
        var weight = new Option<int?>("--weight", "-w") { Description = "Relative CPU weight, 1 to 65535 (256: the default; 512 gets twice the CPU of 256 when they compete)" };
        var cap = new Option<int?>("--cap", "-c") { Description = "At most this % of one host CPU (100 = one CPU, 200 = two); 0 = no cap" };
        var pool = new Option<string>("--cpupool", "-p") { Description = $"Only the VMs of this CPU pool: this host has one, {OnePool}, which holds every VM" };
        var schedparam = new Option<bool>("--schedparam", "-s") { Description = "xl: the credit scheduler's own parameters (tslice, ratelimit); refused here, the host's Linux scheduler has none per pool" };
        var tslice = new Option<int?>("--tslice_ms", "-t") { Description = "xl -s: the time slice; refused here" };
        var ratelimit = new Option<int?>("--ratelimit_us", "-r") { Description = "xl -s: the rate limit; refused here" };
        var migrationDelay = new Option<int?>("--migration_delay_us", "-m") { Description = "xl -s: the migration delay; refused here" };
        var cmd = new Command("sched-credit", "Show or set VMs' CPU weight and cap (like xl sched-credit; the config's cpu_weight and cpu_cap), "
            + "enforced through each VM's CPU cgroup at once and kept for its next start\n\nExamples:\n  hospes sched-credit\n  hospes sched-credit -d web\n  hospes sched-credit -d web -w 512\n  hospes sched-credit -d web -c 50\n  hospes sched-credit -d web -c 0")
        {
            domain, weight, cap, pool, schedparam, tslice, ratelimit, migrationDelay,
        };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string? name = p.GetValue(domain);
            int? w = p.GetValue(weight);
            int? c = p.GetValue(cap);
            if (Refusal(p.GetValue(schedparam), p.GetValue(tslice) ?? p.GetValue(ratelimit) ?? p.GetValue(migrationDelay), p.GetValue(pool)) is { } refused)
            {
                Console.Error.WriteLine($"hospes: sched-credit: {refused}");
                return 2;
            }

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

    /// <summary>
    /// What xl's scheduler-wide flags get here, or null: -s (and its -t/-r/-m) sets Xen's credit scheduler itself, which
    /// the host's Linux scheduler has no per-pool counterpart for; -p names a CPU pool, and the one pool is every VM.
    /// </summary>
    internal static string? Refusal(bool schedparam, int? schedValue, string? pool)
    {
        if (schedparam || schedValue is not null)
        {
            return "-s (and -t, -r, -m) shows or sets Xen's credit scheduler itself (its time slice, rate limit and migration delay per CPU pool); "
                + "here the host's Linux scheduler runs each VM's vCPU threads, and Hospes tunes it per VM only: give -d NAME with -w WEIGHT and/or -c CAP. "
                + "The kernel's own knobs (e.g. /sys/kernel/debug/sched/base_slice_ns) are the host's, for every process, not Hospes's to set";
        }

        return pool is null || pool == OnePool ? null
            : $"no CPU pool named '{pool}': this host has one pool, {OnePool}, holding every VM (Xen's cpupools have no counterpart; place a guest on host CPUs with cpus= or `hospes vcpu-pin`)";
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
