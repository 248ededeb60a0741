using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes whoami [--path P]`: who hospesd takes you for, and what you may do on a path.</summary>
internal static class WhoamiCommand
{
    public static Command Create()
    {
        var path = new Option<string?>("--path") { Description = "Also show your privileges on this path (e.g. /projects/lab1)" };
        var cmd = new Command("whoami", "Show who hospesd takes you for, and with --path what you may do there\n\nExamples:\n  hospes whoami\n  hospes whoami --path /projects/lab1/vms/web") { path };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            WhoamiInfo w = await client.Access.WhoamiAsync(p.GetValue(path), ct);
            if (CliContext.Json(p))
            {
                Printer.Json(w);
                return 0;
            }

            Printer.Fields(
            [
                ("user", w.Display),
                ("authenticated", w.Authentication switch { "unix-socket" => "unix socket (admin everywhere)", "token" => w.PrivilegeSeparated ? "token (privilege-separated)" : "token", _ => "user" }),
                ("groups", string.Join(", ", w.Groups)),
                (w.Path is null ? "" : $"on {w.Path}", w.Privileges is null ? null : w.Privileges.Count == 0 ? "nothing" : string.Join(", ", w.Privileges)),
            ]);
            return 0;
        });
        return cmd;
    }
}
