using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

internal static class HostCommands
{
    public static Command Create()
    {
        var info = new Command("info", "Show QEMU's version, the accelerator chosen and why, CPUs and memory\n\nExamples:\n  hospes host info\n  hospes host info --format json");
        CliContext.Action(info, async (p, client, ct) =>
        {
            var host = await client.Host.InfoAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(host);
                return 0;
            }

            Printer.Fields(
            [
                ("Host", host.Hostname), ("Kernel", host.Kernel), ("Hospes", host.HospesVersion),
                ("QEMU", host.QemuVersion is null ? null : $"{host.QemuVersion} ({host.QemuPath})"), ("QEMU problem", host.QemuProblem),
                ("Accelerator", host.Accelerator), ("Why", host.AcceleratorReason),
                ("CPUs", $"{host.Cpus} ({host.CpuModel})"), ("Memory (MiB)", $"{host.MemoryTotalMib} total, {host.MemoryAvailableMib} available"),
                ("VMs", $"{host.VmsDefined} defined, {host.VmsRunning} running"), ("State dir", host.StateDir),
            ]);
            return 0;
        });
        var host = new Command("host", "This host (QEMU, accelerator, CPUs, memory) and the hosts it trusts\n\nExamples:\n  hospes host info\n  hospes host memory\n  hospes host token\n  hospes host add b 10.0.0.2:8443 --token T\n  hospes host list") { info, MemoryCommands.HostMemory() };
        foreach (Command c in PeerCommands.All())
        {
            host.Add(c);
        }

        foreach (Command c in EvacuateCommands.All())
        {
            host.Add(c);
        }

        return host;
    }
}
