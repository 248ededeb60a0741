using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Cli.Terminal;
using Hospes.Client;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>The xl-style VM lifecycle commands.</summary>
internal static class VmCommands
{
    public static IEnumerable<Command> All() =>
    [
        Create("create", start: true, "Define a VM from a Xen-style config file and start it (like `xm create`)."),
        Create("define", start: false, "Define a VM from a Xen-style config file without starting it."),
        List(), Info(),
        Simple("start", "Start a defined (or saved) VM", (vms, vm, ct) => vms.StartAsync(vm, ct), attachable: true),
        Simple("pause", "Pause a running VM: its vCPUs stop, its memory stays", (vms, vm, ct) => vms.PauseAsync(vm, ct)),
        Simple("unpause", "Continue a paused VM", (vms, vm, ct) => vms.UnpauseAsync(vm, ct)),
        Simple("destroy", "Hard power-off; the definition stays (state shutoff)", (vms, vm, ct) => vms.DestroyAsync(vm, ct)),
        Shutdown(), Reboot(), Delete(), Save(), Restore(),
    ];

    private static Command Create(string name, bool start, string description)
    {
        var file = new Argument<string>("file") { Description = "Xen-style domain config (xl.cfg / xm format)" };
        var overrides = new Argument<string[]>("key=value") { Description = "Settings that override the file, e.g. memory=512 name=web2", Arity = ArgumentArity.ZeroOrMore };
        var console = new Option<bool>("--console", "-c") { Description = "Attach to the console once started (like `xm create -c`)" };
        var paused = new Option<bool>("--paused", "-p") { Description = "Leave the guest paused before its first instruction; `hospes unpause` starts it (like `xl create -p`)" };
        var vnc = new Option<bool>("--vncviewer", "-V") { Description = "Open its graphical console once started: the tunnel and vncviewer of `hospes vnc` (like `xl create -V`)" };
        var host = new Option<string>("--host") { Description = "In a cluster: the host to put it on; without it the scheduler chooses (most memory left, then fewest VMs)" };
        var cmd = new Command(name, $"{description}\n\nExamples:\n  hospes {name} web.cfg\n  hospes {name} web.cfg memory=512 name=web2\n  hospes {name} web.cfg --host pc07") { file, overrides, host };
        if (start)
        {
            cmd.Options.Add(console);
            cmd.Options.Add(paused);
            cmd.Options.Add(vnc);
        }

        CliContext.Action(cmd, async (p, client, ct) =>
        {
            if (start && p.GetValue(console) && p.GetValue(vnc))
            {
                Console.Error.WriteLine($"hospes: {name}: -c and -V both take over this terminal; choose one (open the other with `hospes console` or `hospes vnc`)");
                return 2;
            }

            ConfigRequest source = ConfigSource.Read(p.GetValue(file)!, p.GetValue(overrides) ?? []);
            var response = await client.Vms.CreateAsync(new CreateVmRequest { Source = source, Start = start, Paused = start && p.GetValue(paused), Host = p.GetValue(host) }, ct);
            foreach (Diagnostic w in response.Warnings)
            {
                await Console.Error.WriteLineAsync(w.Rendered);
            }

            if (CliContext.Json(p))
            {
                Printer.Json(response);
            }
            else
            {
                Console.Out.WriteLine(Summary(response.Vm));
            }

            if (start && p.GetValue(vnc))
            {
                await Console.Out.FlushAsync(ct);
                return await VncCommand.TunnelAsync(client, response.Vm.Name, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), noViewer: false, ct);
            }

            return start && p.GetValue(console) ? await ConsoleClient.AttachAsync(client, response.Vm.Name, ct) : 0;
        });
        return cmd;
    }

    private static Command List()
    {
        var full = new Option<bool>("--long", "-l") { Description = "Everything about each VM as JSON, its spec included (like xl list -l)" };
        var local = new Option<bool>("--local") { Description = "In a cluster: this host's VMs only (without it: every host's, with a Host column)" };
        var cmd = new Command("list", "List the VMs with xl's columns (in a cluster: every host's)\n\nExamples:\n  hospes list\n  hospes list --local\n  hospes list -l\n  hospes list --format json") { full, local };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var vms = await client.Vms.ListAsync(p.GetValue(local), ct);
            if (CliContext.Json(p) || p.GetValue(full))
            {
                Printer.Json(vms);
                return 0;
            }

            // A cluster's list says where each VM runs.
            bool hosts = vms.Any(v => v.Cluster is not null) || vms.Select(v => v.Host).Distinct(StringComparer.Ordinal).Count() > 1;
            var table = hosts
                ? new Table(("Name", false), ("ID", true), ("Mem(MiB)", true), ("VCPUs", true), ("State", false), ("Time(s)", true), ("Project", false), ("Host", false))
                : new Table(("Name", false), ("ID", true), ("Mem(MiB)", true), ("VCPUs", true), ("State", false), ("Time(s)", true), ("Project", false));
            foreach (VmInfo vm in vms)
            {
                string[] row = [vm.Name, vm.Id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", Printer.Format(vm.MemoryMib), Printer.Format(vm.Vcpus), vm.Flags, Printer.Format(vm.CpuTimeS), vm.Project];
                table.Add(hosts ? [.. row, vm.HostDown ? $"{vm.Host} (down)" : vm.Host ?? "-"] : row);
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command Info()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("info", "Show one VM in detail\n\nExamples:\n  hospes info web\n  hospes info web --format json") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var vm = await client.Vms.GetAsync(p.GetValue(name)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(vm);
                return 0;
            }

            Printer.Fields(
            [
                ("Name", vm.Name), ("Project", vm.Project), ("UUID", vm.Uuid), ("State", $"{Lower(vm.State)} ({vm.Flags})"), ("ID", vm.Id), ("PID", vm.Pid),
                ("Memory (MiB)", vm.MemoryMib), ("Max memory (MiB)", vm.MaxMemoryMib), ("vCPUs", vm.Vcpus), ("CPU time (s)", vm.CpuTimeS),
                ("Machine", vm.Machine), ("Accelerator", vm.Accel), ("Started", vm.StartedAt), ("Crashes", vm.CrashCount),
                ("Last error", vm.LastError), ("Saved to", vm.SavePath),
                ("Kernel", vm.Spec?.Kernel), ("Ramdisk", vm.Spec?.Ramdisk), ("Command line", vm.Spec?.KernelCmdline),
                ("Disks", vm.Spec is null ? null : string.Join(", ", vm.Spec.Disks.Select(d => $"{d.Vdev}={d.Target}{(d.ReadOnly ? " (ro)" : "")}"))),
                ("Network", vm.Spec is null ? null : string.Join(", ", vm.Spec.Vifs.Select(v => $"{v.Mac} {v.Model}{(v.Ip is null ? "" : " ip=" + v.Ip)}"))),
                ("On poweroff/reboot/crash", vm.Spec is null ? null : $"{Lower(vm.Spec.OnPoweroff)}/{Lower(vm.Spec.OnReboot)}/{Lower(vm.Spec.OnCrash)}"),
                ("Config", vm.Spec?.SourcePath), ("Console log", vm.ConsoleLog),
            ]);
            return 0;
        });
        return cmd;
    }

    private static Command Simple(string verb, string description, Func<VmsApi, string, CancellationToken, Task<VmInfo>> run, bool attachable = false)
    {
        var name = new Argument<string>("name");
        var console = new Option<bool>("--console", "-c") { Description = "Attach to the console afterwards" };
        var cmd = new Command(verb, $"{description}\n\nExample:\n  hospes {verb} web") { name };
        if (attachable)
        {
            cmd.Options.Add(console);
        }

        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string vm = p.GetValue(name)!;
            var info = await run(client.Vms, vm, ct);
            Report(p, info);
            return attachable && p.GetValue(console) ? await ConsoleClient.AttachAsync(client, vm, ct) : 0;
        });
        return cmd;
    }

    private static Command Shutdown()
    {
        var name = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the guest to power off", DefaultValueFactory = _ => 60 };
        var force = new Option<bool>("--force") { Description = "Destroy the VM if the guest has not powered off in time" };
        var all = new Option<bool>("--all", "-a") { Description = "Every running VM (that you may see), at once (like xl shutdown -a)" };
        var wait = new Option<bool>("--wait", "-w") { Description = "Wait for the guests to be off (xl's -w; hospes always waits, up to --timeout)" };
        var cmd = new Command("shutdown", "Ask the guest to power off (ACPI power button) and wait for it\n\nExamples:\n  hospes shutdown web\n  hospes shutdown web --timeout 20 --force\n  hospes shutdown -a -w") { name, timeout, force, all, wait };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var request = new ShutdownRequest { TimeoutS = p.GetValue(timeout), Force = p.GetValue(force) };
            string? one = p.GetValue(name);
            if (p.GetValue(all) == (one is not null))
            {
                await Console.Error.WriteLineAsync(one is null
                    ? "hospes: shutdown needs a VM name, or -a for every running VM"
                    : $"hospes: shutdown -a shuts down every running VM; drop '{one}', or drop -a to shut down only {one}");
                return 2;
            }

            if (one is not null)
            {
                Report(p, await client.Vms.ShutdownAsync(one, request, ct));
                return 0;
            }

            // In parallel, as xl does: each guest gets the whole timeout.
            string[] running = [.. (await client.Vms.ListAsync(ct)).Where(v => v.State == Hospes.Contracts.Vms.VmState.Running).Select(v => v.Name)];
            var results = await Task.WhenAll(running.Select(async vm =>
            {
                try
                {
                    return (vm, Info: await client.Vms.ShutdownAsync(vm, request, ct), Error: (string?)null);
                }
                catch (Hospes.Client.HospesApiException e)
                {
                    return (vm, Info: (VmInfo?)null, Error: e.Message);
                }
            }));
            foreach (var r in results)
            {
                if (r.Info is { } info)
                {
                    Report(p, info);
                }
                else
                {
                    await Console.Error.WriteLineAsync($"hospes: {r.vm}: {r.Error}");
                }
            }

            return results.Any(r => r.Error is not null) ? 1 : 0;
        });
        return cmd;
    }

    private static Command Reboot()
    {
        var name = new Argument<string>("name");
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the guest to go down", DefaultValueFactory = _ => 60 };
        var cmd = new Command("reboot", "Reboot the guest gracefully (power button, then on_reboot applies)\n\nExample:\n  hospes reboot web") { name, timeout };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            Report(p, await client.Vms.RebootAsync(p.GetValue(name)!, new ShutdownRequest { TimeoutS = p.GetValue(timeout) }, ct));
            return 0;
        });
        return cmd;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var force = new Option<bool>("--force") { Description = "Destroy the VM first if it runs" };
        var cmd = new Command("delete", "Remove a VM's definition and logs (its disks stay); refused while it runs\n\nExamples:\n  hospes delete web\n  hospes delete web --force") { name, force };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var info = await client.Vms.DeleteAsync(p.GetValue(name)!, p.GetValue(force), ct);
            if (CliContext.Json(p))
            {
                Printer.Json(info);
            }
            else
            {
                Console.Out.WriteLine($"{info.Name}: deleted");
            }

            return 0;
        });
        return cmd;
    }

    private static Command Save()
    {
        var name = new Argument<string>("name");
        var file = new Argument<string>("file") { Description = "Where to write the VM's state" };
        var checkpoint = new Option<bool>("--checkpoint", "-c") { Description = "Leave the guest running: the file is a checkpoint (like xl save -c)" };
        var paused = new Option<bool>("--paused", "-p") { Description = "Leave the guest paused after the save (like xl save -p)" };
        var cmd = new Command("save", "Save a VM's state to one file; the VM stops running unless -c or -p (like `xl save`)\n\nExamples:\n  hospes save web /tmp/web.save\n  hospes save -c web /tmp/web.ckpt") { name, file, checkpoint, paused };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var request = new SaveRequest { Path = Path.GetFullPath(p.GetValue(file)!), Checkpoint = p.GetValue(checkpoint), LeavePaused = p.GetValue(paused) };
            Report(p, await client.Vms.SaveAsync(p.GetValue(name)!, request, ct));
            return 0;
        });
        return cmd;
    }

    private static Command Restore()
    {
        var file = new Argument<string>("file") { Description = "A file written by `hospes save`" };
        var paused = new Option<bool>("--paused", "-p") { Description = "Leave the guest paused after restoring" };
        var cmd = new Command("restore", "Continue a saved VM exactly where it was (like `xl restore`)\n\nExample:\n  hospes restore /tmp/web.save") { file, paused };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var request = new RestoreRequest { Path = Path.GetFullPath(p.GetValue(file)!), Paused = p.GetValue(paused) };
            Report(p, await client.Vms.RestoreAsync(request, ct));
            return 0;
        });
        return cmd;
    }

    private static void Report(ParseResult p, VmInfo vm)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(vm);
        }
        else
        {
            Console.Out.WriteLine(Summary(vm));
        }
    }

    private static string Summary(VmInfo vm)
    {
        string where = vm.Id is { } id ? $" (id {id}, pid {vm.Pid})" : vm.SavePath is { } save ? $" in {save}" : "";
        return $"{vm.Name}: {Lower(vm.State)}{where}";
    }

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
