using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes acl set|remove|list`: roles of users, groups and tokens on paths.</summary>
internal static class AclCommands
{
    public static Command Create() => new(
        "acl",
        "Who may do what where: a role for a user, group or token on a path, and (unless --no-propagate) below it\n\n"
        + "Paths: /, /projects/P, /projects/P/vms/V (networks, disks, templates alike), /images[/I], /access\n\nExamples:\n"
        + "  hospes acl set /projects/lab1 --group teachers --role ProjectAdmin\n  hospes acl set /projects/lab1/vms/team3-ce --group team3 --role LabStudent\n  hospes acl list /projects/lab1")
    {
        AclSet(), AclRemove(), AclList(),
    };

    private static Command AclSet()
    {
        (Argument<string> path, Option<string?> user, Option<string?> group, Option<string?> token, Option<string> role) = EntryOptions();
        var noPropagate = new Option<bool>("--no-propagate") { Description = "On this path only, not below it" };
        var cmd = new Command("set", "Give a role on a path (you may grant only what you hold there)\n\nExamples:\n  hospes acl set /projects/lab1 --group teachers --role ProjectAdmin\n  hospes acl set / --token alice!ci --role Auditor") { path, user, group, token, role, noPropagate };
        AddOneSubject(cmd, user, group, token);
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            AclEntryInfo e = await client.Access.SetAclAsync(Request(p, path, user, group, token, role) with { Propagate = !p.GetValue(noPropagate) }, ct);
            return AccessCommands.Show(p, e, $"{e.SubjectKind} {e.Subject} has role {e.Role} on {e.Path}{(e.Propagate ? " and below" : " (only there)")}");
        });
        return cmd;
    }

    private static Command AclRemove()
    {
        (Argument<string> path, Option<string?> user, Option<string?> group, Option<string?> token, Option<string> role) = EntryOptions();
        var cmd = new Command("remove", "Take a role on a path away again\n\nExample:\n  hospes acl remove /projects/lab1 --group teachers --role ProjectAdmin") { path, user, group, token, role };
        AddOneSubject(cmd, user, group, token);
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            AclEntryInfo e = await client.Access.RemoveAclAsync(Request(p, path, user, group, token, role), ct);
            return AccessCommands.Show(p, e, $"{e.SubjectKind} {e.Subject} no longer has role {e.Role} on {e.Path}");
        });
        return cmd;
    }

    private static Command AclList()
    {
        var path = new Argument<string?>("path") { Arity = ArgumentArity.ZeroOrOne, Description = "Only entries on this path and below" };
        var cmd = new Command("list", "List the ACL entries you may see (where you hold Sys.Audit or Permissions.Modify)\n\nExamples:\n  hospes acl list\n  hospes acl list /projects/lab1") { path };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            IReadOnlyList<AclEntryInfo> all = await client.Access.ListAclAsync(p.GetValue(path), ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("Path", false), ("Subject", false), ("Role", false), ("Propagate", false));
            foreach (AclEntryInfo e in all)
            {
                table.Add(e.Path, $"{e.SubjectKind}:{e.Subject}", e.Role, Printer.Format(e.Propagate));
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static (Argument<string>, Option<string?>, Option<string?>, Option<string?>, Option<string>) EntryOptions() =>
    (
        new Argument<string>("path") { Description = "/, /projects/P, /projects/P/vms/V, /images/I, /access, ..." },
        new Option<string?>("--user") { Description = "For this user" },
        new Option<string?>("--group") { Description = "For every member of this group" },
        new Option<string?>("--token") { Description = "For this token, as USER!NAME (matters for privilege-separated tokens)" },
        new Option<string>("--role") { Description = "Admin, ProjectAdmin, Operator, LabStudent, Auditor, NoAccess or a custom role (hospes role list)", Required = true }
    );

    private static void AddOneSubject(Command cmd, Option<string?> user, Option<string?> group, Option<string?> token) =>
        cmd.Validators.Add(r =>
        {
            int given = new[] { r.GetValue(user), r.GetValue(group), r.GetValue(token) }.Count(s => s is not null);
            if (given != 1)
            {
                r.AddError("name exactly one of --user, --group and --token");
            }
        });

    private static AclEntryRequest Request(ParseResult p, Argument<string> path, Option<string?> user, Option<string?> group, Option<string?> token, Option<string> role) => new()
    {
        Path = p.GetValue(path)!,
        User = p.GetValue(user),
        Group = p.GetValue(group),
        Token = p.GetValue(token),
        Role = p.GetValue(role)!,
    };
}
