using System.CommandLine;
using System.Globalization;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>xl's day-to-day commands on a guest: uptime, dmesg, sysrq, trigger, dump-core, cd-insert, cd-eject and rename.</summary>
internal static class XlCommands
{
    public static IEnumerable<Command> All() => [Uptime(), Dmesg(), Sysrq(), Trigger(), DumpCore(), CdInsert(), CdEject(), Rename()];

    /// <summary>xl's columns: Name, ID, Uptime, of the VMs that run.</summary>
    private static Command Uptime()
    {
        var name = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("uptime", "Show how long VMs have been running (like `xl uptime`)\n\nExamples:\n  hospes uptime\n  hospes uptime web") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string? one = p.GetValue(name);
            IReadOnlyList<VmInfo> vms = one is null ? await client.Vms.ListAsync(ct) : [await client.Vms.GetAsync(one, ct)];
            DateTimeOffset now = DateTimeOffset.UtcNow;
            VmInfo[] running = [.. vms.Where(v => v.Id is not null && v.StartedAt is not null)];
            if (one is not null && running.Length == 0)
            {
                throw new CliException($"{one} is not running ({vms[0].State.ToString().ToLowerInvariant()}); it has no uptime");
            }

            if (CliContext.Json(p))
            {
                Printer.Json(running.Select(v => new { name = v.Name, id = v.Id, uptime_s = (long)(now - v.StartedAt!.Value).TotalSeconds }));
                return 0;
            }

            var table = new Table(("Name", false), ("ID", true), ("Uptime", false));
            foreach (VmInfo vm in running)
            {
                table.Add(vm.Name, vm.Id!.Value.ToString(CultureInfo.InvariantCulture), Shown(now - vm.StartedAt!.Value));
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    /// <summary>xl's form: "3 days, 4:05:06", or "4:05:06".</summary>
    internal static string Shown(TimeSpan t)
    {
        t = t < TimeSpan.Zero ? TimeSpan.Zero : t;
        string clock = string.Create(CultureInfo.InvariantCulture, $"{t.Hours}:{t.Minutes:00}:{t.Seconds:00}");
        return t.Days switch
        {
            0 => clock,
            1 => $"1 day, {clock}",
            _ => string.Create(CultureInfo.InvariantCulture, $"{t.Days} days, {clock}"),
        };
    }

    private static Command Dmesg()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("dmesg", "Print what the guest wrote on its console (its kernel messages); the same as `hospes console NAME --show-log`\n\nExample:\n  hospes dmesg web") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            await Console.Out.WriteAsync(await client.Console.LogAsync(p.GetValue(name)!, ct));
            return 0;
        });
        return cmd;
    }

    private static Command Sysrq()
    {
        var name = new Argument<string>("name");
        var key = new Argument<string>("key") { Description = "The SysRq key: h (help), s (sync), u (remount read-only), b (reboot), t (tasks), ..." };
        var cmd = new Command("sysrq", "Press Alt+SysRq+KEY on an HVM guest's keyboard (like `xl sysrq`); its kernel answers on the console\n\nExample:\n  hospes sysrq web h") { name, key };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            VmInfo vm = await client.Vms.SysrqAsync(p.GetValue(name)!, p.GetValue(key)!, ct);
            return Done(p, vm, $"{vm.Name}: sent sysrq {p.GetValue(key)}; `hospes dmesg {vm.Name}` shows the answer");
        });
        return cmd;
    }

    private static Command Trigger()
    {
        var name = new Argument<string>("name");
        var what = new Argument<string>("trigger") { Description = "nmi, reset, power or s3resume" };
        var cmd = new Command("trigger", "Send a guest an NMI, a hard reset, a power-button press or an S3 wake-up (like `xl trigger`)\n\nExamples:\n  hospes trigger web nmi\n  hospes trigger web reset") { name, what };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            VmInfo vm = await client.Vms.TriggerAsync(p.GetValue(name)!, p.GetValue(what)!, ct);
            return Done(p, vm, $"{vm.Name}: triggered {p.GetValue(what)}");
        });
        return cmd;
    }

    private static Command DumpCore()
    {
        var name = new Argument<string>("name");
        var file = new Argument<string>("file") { Description = "The core file to write, on hospesd's host (it must not exist)" };
        var cmd = new Command("dump-core", "Write a guest's memory to an ELF core file, for crash or gdb (like `xl dump-core`)\n\nExample:\n  hospes dump-core web /var/tmp/web.core") { name, file };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string path = Path.GetFullPath(p.GetValue(file)!);
            VmInfo vm = await client.Vms.DumpCoreAsync(p.GetValue(name)!, path, ct);
            return Done(p, vm, $"{vm.Name}: core written to {path}");
        });
        return cmd;
    }

    private static Command CdInsert()
    {
        var name = new Argument<string>("name");
        var vdev = new Argument<string>("vdev") { Description = "The CD-ROM drive, e.g. hdc" };
        var file = new Argument<string>("file") { Description = "The image (an ISO), on hospesd's host" };
        var cmd = new Command("cd-insert", "Put an image into a running guest's CD-ROM drive (like `xl cd-insert`)\n\nExample:\n  hospes cd-insert win hdc /srv/iso/drivers.iso") { name, vdev, file };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string path = Path.GetFullPath(p.GetValue(file)!);
            VmInfo vm = await client.Vms.CdInsertAsync(p.GetValue(name)!, p.GetValue(vdev)!, path, ct);
            return Done(p, vm, $"{vm.Name}: {path} is in {p.GetValue(vdev)}");
        });
        return cmd;
    }

    private static Command CdEject()
    {
        var name = new Argument<string>("name");
        var vdev = new Argument<string>("vdev") { Description = "The CD-ROM drive, e.g. hdc" };
        var cmd = new Command("cd-eject", "Take the medium out of a running guest's CD-ROM drive (like `xl cd-eject`)\n\nExample:\n  hospes cd-eject win hdc") { name, vdev };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            VmInfo vm = await client.Vms.CdEjectAsync(p.GetValue(name)!, p.GetValue(vdev)!, ct);
            return Done(p, vm, $"{vm.Name}: {p.GetValue(vdev)} is empty");
        });
        return cmd;
    }

    private static Command Rename()
    {
        var name = new Argument<string>("name");
        var newName = new Argument<string>("new-name") { Description = "The VM's new name" };
        var cmd = new Command("rename", "Give a VM another name, running or not (like `xl rename`); its disks, port forwards and ACL grants follow it\n\nExample:\n  hospes rename web web-old") { name, newName };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            VmInfo vm = await client.Vms.RenameAsync(p.GetValue(name)!, p.GetValue(newName)!, ct);
            return Done(p, vm, $"{p.GetValue(name)}: renamed to {vm.Name}");
        });
        return cmd;
    }

    private static int Done(ParseResult p, VmInfo vm, string line)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(vm);
        }
        else
        {
            Console.Out.WriteLine(line);
        }

        return 0;
    }
}
