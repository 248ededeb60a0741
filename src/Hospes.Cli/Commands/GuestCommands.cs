using System.CommandLine;
using System.Globalization;
using System.Text;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes guest VM ping|info|exec|set-time`: a running VM's guest agent (like Proxmox's qm guest cmd / exec).</summary>
internal static class GuestCommands
{
    /// <summary>How a command ended by a signal exits, as a shell reports it.</summary>
    private const int SignalExitBase = 128;

    public static Command Create()
    {
        var vm = new Argument<string>("vm") { Description = "The running VM whose guest agent answers" };
        var cmd = new Command("guest", "Talk to a running VM's guest agent (qemu-guest-agent on its virtio-serial channel; the tiny guest runs one)\n\n"
            + "Examples:\n  hospes guest web ping\n  hospes guest web info\n  hospes guest web exec -- uname -a\n  hospes guest web set-time") { vm };
        cmd.Subcommands.Add(Ping(vm));
        cmd.Subcommands.Add(Info(vm));
        cmd.Subcommands.Add(Exec(vm));
        cmd.Subcommands.Add(SetTime(vm));
        return cmd;
    }

    private static Command Ping(Argument<string> vm)
    {
        var cmd = new Command("ping", "Check that the guest agent answers");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            GuestPingResponse pong = await client.Guest.PingAsync(p.GetValue(vm)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(pong);
            }
            else
            {
                Console.Out.WriteLine($"the guest agent of {pong.Vm} answered in {pong.Ms.ToString("0.0", CultureInfo.InvariantCulture)} ms");
            }

            return 0;
        });
        return cmd;
    }

    private static Command Info(Argument<string> vm)
    {
        var cmd = new Command("info", "Show what the guest agent says: OS, kernel, host name, interfaces and their addresses");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            GuestInfo info = await client.Guest.InfoAsync(p.GetValue(vm)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(info);
                return 0;
            }

            Printer.Fields([("VM", info.Vm), ("Host name", info.HostName), ("OS", info.Os), ("Kernel", info.KernelRelease), ("Machine", info.Machine), ("Agent", info.AgentVersion)]);
            Console.Out.WriteLine();
            var table = new Table(("Interface", false), ("MAC", false), ("Addresses", false));
            foreach (GuestInterface i in info.Interfaces)
            {
                table.Add(i.Name, i.Mac ?? "-", i.Addresses.Length == 0 ? "-" : string.Join(' ', i.Addresses));
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command Exec(Argument<string> vm)
    {
        var command = new Argument<string[]>("command") { Arity = ArgumentArity.OneOrMore, Description = "The program and its arguments, after --" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for it to end (1 to 3600); it keeps running after", DefaultValueFactory = _ => 30 };
        var cmd = new Command("exec", "Run a program in the guest as root and print what it writes; exits with its exit code (128+N when signal N ended it)\n\n"
            + "Examples:\n  hospes guest web exec -- uname -r\n  hospes guest web exec --timeout 120 -- sh -c 'apt-get update'") { command, timeout };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            int seconds = p.GetValue(timeout);
            if (seconds is < 1 or > 3600)
            {
                throw new CliException($"--timeout {seconds} is out of range; give 1 to 3600 seconds");
            }

            GuestExecResponse run = await client.Guest.ExecAsync(p.GetValue(vm)!, p.GetValue(command)!, seconds, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(run);
            }
            else
            {
                await Console.Out.WriteAsync(Encoding.UTF8.GetString(run.Stdout));
                await Console.Out.FlushAsync(ct);
                await Console.Error.WriteAsync(Encoding.UTF8.GetString(run.Stderr));
                if (run.StdoutTruncated || run.StderrTruncated)
                {
                    await Console.Error.WriteLineAsync($"hospes: the guest agent kept only the start of the command's {(run.StdoutTruncated ? "output" : "error output")}; write it to a file in the guest instead");
                }
            }

            return ExitCode(run);
        });
        return cmd;
    }

    private static Command SetTime(Argument<string> vm)
    {
        var cmd = new Command("set-time", "Set the guest's clock (and hardware clock) to the host's");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            GuestTimeResponse set = await client.Guest.SetTimeAsync(p.GetValue(vm)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(set);
            }
            else
            {
                Console.Out.WriteLine($"the clock of {set.Vm} is set to {set.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)} UTC");
            }

            return 0;
        });
        return cmd;
    }

    /// <summary>The guest command's exit code; a signal's as a shell reports it.</summary>
    internal static int ExitCode(GuestExecResponse run) => run.ExitCode ?? (run.Signal is { } s ? SignalExitBase + s : 1);
}
