using System.CommandLine;
using System.Globalization;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>vcpu-list, vcpu-set, vcpu-pin: xl's vCPU commands.</summary>
internal static class VcpuCommands
{
    public static IEnumerable<Command> All() => [VcpuList(), VcpuSet(), VcpuPin()];

    private static Command VcpuList()
    {
        var names = new Argument<string[]>("name") { Arity = ArgumentArity.ZeroOrMore, Description = "The VMs (default: every running VM)" };
        var cmd = new Command("vcpu-list", "List vCPUs: the host CPU each last ran on, its state, CPU time and the host CPUs it may use (like xl vcpu-list)\n\nExamples:\n  hospes vcpu-list\n  hospes vcpu-list web") { names };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string[] chosen = p.GetValue(names) ?? [];
            if (chosen.Length == 0)
            {
                chosen = [.. (await client.Vms.ListAsync(ct)).Where(v => v.State is Hospes.Contracts.Vms.VmState.Running or Hospes.Contracts.Vms.VmState.Paused).Select(v => v.Name)];
            }

            var rows = new List<VcpuInfo>();
            foreach (string name in chosen)
            {
                rows.AddRange(await client.Vcpus.ListAsync(name, ct));
            }

            return Show(p, rows);
        });
        return cmd;
    }

    private static Command VcpuSet()
    {
        var name = new Argument<string>("name");
        var count = new Argument<int>("count") { Description = "vCPUs, up to the VM's maxvcpus" };
        var cmd = new Command("vcpu-set", "Set how many vCPUs a VM has, up to its maxvcpus (like xl vcpu-set): plugged or unplugged while it runs, kept for its next start. "
            + "A Linux guest onlines a plugged vCPU through udev, or with `echo 1 > /sys/devices/system/cpu/cpuN/online`\n\nExamples:\n  hospes vcpu-set web 4\n  hospes vcpu-set web 1") { name, count };
        CliContext.Action(cmd, async (p, client, ct) =>
            Show(p, await client.Vcpus.SetAsync(p.GetValue(name)!, new VcpuSetRequest { Count = p.GetValue(count) }, ct)));
        return cmd;
    }

    private static Command VcpuPin()
    {
        var name = new Argument<string>("name");
        var vcpu = new Argument<string>("vcpu") { Description = "A vCPU number, or all" };
        var cpus = new Argument<string>("cpus") { Description = "Host CPUs such as 0-1,3, or all" };
        var cmd = new Command("vcpu-pin", "Pin vCPUs to host CPUs (like xl vcpu-pin, hard affinity); pinning all is kept as the VM's cpus=\n\nExamples:\n  hospes vcpu-pin web all 0-1\n  hospes vcpu-pin web 1 3\n  hospes vcpu-pin web all all") { name, vcpu, cpus };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string which = p.GetValue(vcpu)!;
            int? index = null;
            if (!which.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(which, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                {
                    Console.Error.WriteLine($"hospes: vcpu '{which}' is not a vCPU number; give one such as 0, or all");
                    return 2;
                }

                index = n;
            }

            return Show(p, await client.Vcpus.PinAsync(p.GetValue(name)!, new VcpuPinRequest { Vcpu = index, Cpus = p.GetValue(cpus)! }, ct));
        });
        return cmd;
    }

    private static int Show(ParseResult p, IReadOnlyList<VcpuInfo> rows)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(rows);
            return 0;
        }

        var table = new Table(("Name", false), ("ID", true), ("VCPU", true), ("CPU", true), ("State", false), ("Time(s)", true), ("Affinity", false));
        foreach (VcpuInfo v in rows)
        {
            table.Add(v.Name, v.Id?.ToString(CultureInfo.InvariantCulture) ?? "-", v.Vcpu.ToString(CultureInfo.InvariantCulture), v.Cpu?.ToString(CultureInfo.InvariantCulture) ?? "-",
                v.State, v.TimeS.ToString("0.0", CultureInfo.InvariantCulture), v.Affinity);
        }

        Console.Out.Write(table.ToString());
        return 0;
    }
}
