using System.CommandLine;
using System.Globalization;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>mem-set, mem-max, top and `host memory`.</summary>
internal static class MemoryCommands
{
    public static IEnumerable<Command> All() => [MemSet(), MemMax(), Top()];

    public static Command HostMemory()
    {
        var cmd = new Command("memory", "The host's memory: total, available, committed to guests, overcommit ratio, KSM, free page reporting\n\nExamples:\n  hospes host memory\n  hospes host memory --format json");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var m = await client.Memory.HostAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(m);
                return 0;
            }

            Printer.Fields(
            [
                ("Total (MiB)", m.CgroupLimitMib is null ? m.TotalMib : $"{m.TotalMib} (hospesd's cgroup limit)"),
                ("Available (MiB)", $"{m.AvailableMib}{(m.Pressure ? " — below the reserve: memory pressure" : "")}"),
                ("Committed (MiB)", $"{m.CommittedMib} of {m.CommitLimitMib} ({m.CommittedRatio:0.00}× RAM; overcommit ratio {m.OvercommitRatio:0.##})"),
                ("Reserve (MiB)", m.ReserveMib),
                ("Guests (MiB)", $"{m.GuestsRssMib} RSS, {m.GuestsPssMib} PSS in {m.VmsRunning} QEMU processes"),
                ("Policy", m.Policy),
                ("KSM", $"{m.Ksm.State}{(m.Ksm.ManagedByHospes ? " (switched on by hospesd)" : "")}, saving {m.Ksm.SavedMib} MiB ({m.Ksm.PagesSharing} pages sharing {m.Ksm.PagesShared}); pages_to_scan {m.Ksm.PagesToScan}, sleep {m.Ksm.SleepMs} ms, mode {m.Ksm.Mode}"),
                ("Free page reporting", $"{m.FreePageReportingGuests} of {m.VmsRunning} running guests"),
                ("Pressure (PSI some avg10)", m.PsiSomeAvg10 is { } psi ? $"{psi:0.00} %" : null),
            ]);
            return 0;
        });
        return cmd;
    }

    private static Command MemSet()
    {
        var name = new Argument<string>("name");
        var mib = new Argument<int>("mib") { Description = "The guest's memory in MiB" };
        var cmd = new Command("mem-set", "Balloon a running guest to this much memory now, and keep it as its memory (like xl mem-set)\n\nExamples:\n  hospes mem-set web 256\n  hospes mem-set web 1024") { name, mib };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var m = await client.Memory.SetTargetAsync(p.GetValue(name)!, new MemorySizeRequest { Mib = p.GetValue(mib) }, ct);
            return Show(p, m, $"{m.Name}: memory {m.MemoryMib} MiB (the guest has {Printer.Format(m.ActualMib)} MiB now; the balloon takes a moment)");
        });
        return cmd;
    }

    private static Command MemMax()
    {
        var name = new Argument<string>("name");
        var mib = new Argument<int>("mib") { Description = "The most the guest may ever get, in MiB" };
        var cmd = new Command("mem-max", "Set the most memory a guest may get (like xl mem-max); while it runs, up to the RAM it was started with\n\nExamples:\n  hospes mem-max web 1024") { name, mib };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var m = await client.Memory.SetMaxAsync(p.GetValue(name)!, new MemorySizeRequest { Mib = p.GetValue(mib) }, ct);
            return Show(p, m, $"{m.Name}: maxmem {m.MaxMemoryMib} MiB, memory {m.MemoryMib} MiB");
        });
        return cmd;
    }

    private static Command Top()
    {
        var once = new Option<bool>("--once") { Description = "Print one screen and exit (--format json implies it)" };
        var delay = new Option<double>("--delay", "-d") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 2 };
        var iterations = new Option<int?>("--iterations", "-n") { Description = "Refresh this many times, then exit" };
        var cmd = new Command("top", "Per VM CPU and memory (target, actual, used in the guest, host RSS), host memory, KSM and the memory policy's actions; refreshes (like xentop)\n\nExamples:\n  hospes top\n  hospes top --once\n  hospes top --format json") { once, delay, iterations };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            bool json = CliContext.Json(p);
            int left = p.GetValue(once) || json ? 1 : p.GetValue(iterations) ?? int.MaxValue;
            bool redraw = left > 1 && !Console.IsOutputRedirected;
            while (left-- > 0 && !ct.IsCancellationRequested)
            {
                var top = await client.Memory.TopAsync(ct);
                if (json)
                {
                    Printer.Json(top);
                    return 0;
                }

                if (redraw)
                {
                    Console.Out.Write("\u001b[H\u001b[2J");
                }

                Console.Out.Write(Render(top));
                if (left > 0)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.5, p.GetValue(delay))), ct);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }

            return 0;
        });
        return cmd;
    }

    private static string Render(TopInfo top)
    {
        var text = new System.Text.StringBuilder();
        if (top.Host is { } h)
        {
            text.Append(CultureInfo.InvariantCulture, $"host: {h.TotalMib} MiB, {h.AvailableMib} available{(h.Pressure ? " (PRESSURE)" : "")}, {h.CommittedMib} committed ({h.CommittedRatio:0.00}× of ratio {h.OvercommitRatio:0.##}), reserve {h.ReserveMib}\n");
            text.Append(CultureInfo.InvariantCulture, $"ksm: {h.Ksm.State}, saving {h.Ksm.SavedMib} MiB; policy: {h.Policy}; free page reporting: {h.FreePageReportingGuests}/{h.VmsRunning} guests\n\n");
        }

        var table = new Table(("NAME", false), ("STATE", false), ("CPU%", true), ("MEM", true), ("MAX", true), ("TARGET", true), ("ACTUAL", true), ("USED", true), ("FREE", true), ("RSS", true), ("BALLOON", false));
        foreach (VmMemoryInfo v in top.Vms)
        {
            table.Add(v.Name, v.State, Printer.Format(v.CpuPercent), N(v.MemoryMib), N(v.MaxMemoryMib), N(v.TargetMib), N(v.ActualMib), N(v.GuestUsedMib), N(v.GuestFreeMib), N(v.HostRssMib),
                v.Balloon + (v.PolicyReason is null ? "" : " (policy)"));
        }

        text.Append(table.ToString());
        if (top.Actions.Count > 0)
        {
            text.Append("\nrecent policy actions:\n");
            foreach (MemoryAction a in top.Actions.Take(8))
            {
                text.Append(CultureInfo.InvariantCulture, $"  {Printer.Format(a.At)}  {a.Vm}: {a.FromMib} -> {a.ToMib} MiB  {a.Reason}\n");
            }
        }

        return text.ToString();
    }

    private static string N(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static int Show(ParseResult p, VmMemoryInfo m, string message)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(m);
        }
        else
        {
            Console.Out.WriteLine(message);
        }

        return 0;
    }
}
