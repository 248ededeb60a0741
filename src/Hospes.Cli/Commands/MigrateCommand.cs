using System.CommandLine;
using System.Globalization;
using Hospes.Cli.Output;
using Hospes.Client;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes migrate VM HOST`: live migration with progress and a summary (xm migrate --live).</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var vm = new Argument<string>("vm") { Description = "The VM to move" };
        var host = new Argument<string?>("host") { Description = "The destination: a host `hospes host add` made known", Arity = ArgumentArity.ZeroOrOne };
        var live = new Option<bool>("--live") { Description = "Keep the guest running while its memory is copied (the default)" };
        var offline = new Option<bool>("--offline") { Description = "Pause the guest, copy its memory at full speed, continue it there" };
        var copyStorage = new Option<bool>("--copy-storage") { Description = "Copy the VM's local disks too (otherwise they must be on storage both hosts see)" };
        var downtime = new Option<int?>("--downtime-ms") { Description = "The longest pause the guest may see at the switch-over (default 50)" };
        var postcopy = new Option<bool>("--postcopy") { Description = "If pre-copy does not converge within 2 s, continue the guest there and pull the rest of its memory" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only check CPU, memory, storage and networks on the destination" };
        var cancel = new Option<bool>("--cancel") { Description = "Stop a running migration of VM before its switch-over; the guest stays here" };
        var timeout = new Option<int?>("--timeout") { Description = "Seconds pre-copy may try to converge before the migration fails (default 60)" };
        var qemuDefaults = new Option<bool>("--qemu-defaults") { Description = "Migrate with QEMU's own settings (128 MiB/s cap, 300 ms limit, no auto-converge) instead of Hospes's: for comparison", Hidden = true };
        var cmd = new Command(
            "migrate",
            "Move a running VM to another host, live by default; its MAC and address go with it\n\nExamples:\n  hospes migrate web hostb\n  hospes migrate web hostb --copy-storage\n  hospes migrate web hostb --dry-run\n  hospes migrate --cancel web")
        {
            vm, host, live, offline, copyStorage, downtime, postcopy, dryRun, cancel, timeout, qemuDefaults,
        };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string name = p.GetValue(vm)!;
            if (p.GetValue(cancel))
            {
                await client.Migrations.CancelAsync(name, ct);
                await Console.Error.WriteLineAsync($"cancelling the migration of {name}; it stays on this host");
                return 0;
            }

            if (p.GetValue(host) is not { } destination)
            {
                throw new CliException($"hospes migrate {name}: name the destination host (`hospes host list` shows them), e.g. `hospes migrate {name} HOST`");
            }

            if (p.GetValue(live) && p.GetValue(offline))
            {
                throw new CliException("--live and --offline exclude each other; choose one");
            }

            var request = new MigrateRequest
            {
                Host = destination,
                Offline = p.GetValue(offline),
                CopyStorage = p.GetValue(copyStorage),
                DowntimeMs = p.GetValue(downtime),
                Postcopy = p.GetValue(postcopy),
                DryRun = p.GetValue(dryRun),
                ConvergeTimeoutS = p.GetValue(timeout),
                QemuDefaults = p.GetValue(qemuDefaults),
            };
            bool json = CliContext.Json(p);
            bool tty = !Console.IsErrorRedirected;
            MigrationEvent? last = null;
            await foreach (MigrationEvent e in client.Migrations.MigrateAsync(name, request, ct))
            {
                last = e;
                if (json || e.Event is "done" or "failed")
                {
                    continue;
                }

                string line = Describe(e);
                if (e.Event is "progress" or "storage" && tty)
                {
                    await Console.Error.WriteAsync("\r" + line.PadRight(100));
                }
                else if (e.Event is not ("progress" or "storage"))
                {
                    await Console.Error.WriteLineAsync((tty ? "\r" : "") + line.PadRight(tty ? 100 : 0));
                }
            }

            if (tty && !json)
            {
                await Console.Error.WriteAsync("\r" + new string(' ', 100) + "\r");
            }

            return Finish(last, name, json);
        });
        return cmd;
    }

    private static int Finish(MigrationEvent? last, string name, bool json)
    {
        if (last is null || last.Event is not ("done" or "failed"))
        {
            throw new CliException($"hospesd ended the migration stream of {name} without a result; see `hospes list` and hospesd's log");
        }

        if (last.Event == "failed")
        {
            throw new HospesApiException(ErrorCodes.Internal, last.Message ?? "migration failed");
        }

        MigrationSummary s = last.Summary!;
        if (json)
        {
            Printer.Json(s);
            return 0;
        }

        if (s.Mode == "dry-run")
        {
            Console.Out.WriteLine($"{s.Vm} can migrate to {s.To}: every check passed");
            return 0;
        }

        Printer.Fields(
        [
            ("Migrated", $"{s.Vm}: {s.From} -> {s.To} ({s.Mode})"),
            ("Total", $"{s.TotalMs} ms"),
            ("Downtime", s.DowntimeMs is { } d ? $"{d} ms (QEMU: {s.QemuDowntimeMs} ms)" : "-"),
            ("Memory sent", $"{s.TransferredBytes >> 20} MiB in {s.Passes} passes"),
            ("Disks copied", s.DiskBytes > 0 ? $"{s.DiskBytes >> 20} MiB" : "-"),
            ("Note", s.Note),
        ]);
        return 0;
    }

    private static string Describe(MigrationEvent e) => e.Event switch
    {
        "progress" => string.Create(CultureInfo.InvariantCulture,
            $"{e.ElapsedMs / 1000.0,5:0.0}s {e.Status} pass {e.Pass}: {e.TransferredBytes >> 20} MiB sent, {e.RemainingBytes >> 20} MiB left, dirty {e.DirtyBytesPerSecond >> 20} MiB/s, {e.Mbps:0} Mbit/s, expected downtime {e.ExpectedDowntimeMs?.ToString(CultureInfo.InvariantCulture) ?? "-"} ms{(e.ThrottlePercent > 0 ? $", throttled {e.ThrottlePercent} %" : "")}"),
        "storage" => string.Create(CultureInfo.InvariantCulture, $"{e.ElapsedMs / 1000.0,5:0.0}s disks: {e.DiskCopiedBytes >> 20} of {e.DiskTotalBytes >> 20} MiB{(e.Message is null ? "" : " — " + e.Message)}"),
        _ => $"{e.ElapsedMs / 1000.0,5:0.0}s {e.Message}",
    };
}
