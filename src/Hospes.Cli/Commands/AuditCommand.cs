using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes audit`: the audit log, newest first.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var user = new Option<string?>("--user") { Description = "Only this user's entries (alice; a token's as alice!ci)" };
        var since = new Option<string?>("--since") { Description = "Only since then: a span back (1h, 2d) or a date (2026-12-01)" };
        var limit = new Option<int?>("--limit") { Description = "At most this many entries (default 100)" };
        var cmd = new Command("audit", "Show the audit log: who did what to which object, from where, with what result\n\nExamples:\n  hospes audit\n  hospes audit --user alice --since 1h") { user, since, limit };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            DateTimeOffset? from = p.GetValue(since) is { } s ? TimeArgument.Past("--since", s) : null;
            IReadOnlyList<AuditEntryInfo> all = await client.Access.AuditAsync(p.GetValue(user), from, p.GetValue(limit), ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("Time", false), ("User", false), ("Source", false), ("Action", false), ("Object", false), ("Result", false));
            foreach (AuditEntryInfo e in all)
            {
                table.Add(Printer.Format(e.Time), e.User, e.Source ?? "-", e.Action, e.Target ?? "-", e.Result);
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }
}
