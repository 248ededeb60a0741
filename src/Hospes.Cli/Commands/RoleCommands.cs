using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes role list|show|create|delete`.</summary>
internal static class RoleCommands
{
    public static Command Create() => new(
        "role",
        "Roles: named sets of privileges, granted on paths with hospes acl set\n\nExamples:\n  hospes role list\n  hospes role create Watcher --privileges VM.Audit,VM.Console")
    {
        RoleList(), RoleShow(), RoleCreate(), RoleDelete(),
    };

    private static Command RoleList()
    {
        var cmd = new Command("list", "List the roles, built-in and custom\n\nExample:\n  hospes role list");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            IReadOnlyList<RoleInfo> all = await client.Access.ListRolesAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("Name", false), ("Kind", false), ("Privileges", false));
            foreach (RoleInfo r in all)
            {
                table.Add(r.Name, r.BuiltIn ? "built-in" : "custom", r.Privileges.Count == 0 ? "(none)" : string.Join(",", r.Privileges));
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command RoleShow()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("show", "Show a role's privileges\n\nExample:\n  hospes role show LabStudent") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            RoleInfo r = await client.Access.GetRoleAsync(p.GetValue(name)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(r);
                return 0;
            }

            Printer.Fields([("name", r.Name), ("kind", r.BuiltIn ? "built-in" : "custom"), ("privileges", r.Privileges.Count == 0 ? "(none)" : string.Join(", ", r.Privileges))]);
            return 0;
        });
        return cmd;
    }

    private static Command RoleCreate()
    {
        var name = new Argument<string>("name");
        var privileges = new Option<string>("--privileges") { Description = "Comma-separated: VM.Audit,VM.Console,... (hospes role show Admin lists them all)", Required = true };
        var cmd = new Command("create", "Create a custom role\n\nExample:\n  hospes role create Watcher --privileges VM.Audit,VM.Console") { name, privileges };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var request = new RoleCreateRequest
            {
                Name = p.GetValue(name)!,
                Privileges = [.. p.GetValue(privileges)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            };
            RoleInfo r = await client.Access.CreateRoleAsync(request, ct);
            return AccessCommands.Show(p, r, $"role {r.Name} created: {string.Join(", ", r.Privileges)}");
        });
        return cmd;
    }

    private static Command RoleDelete()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("delete", "Delete a custom role no ACL entry grants\n\nExample:\n  hospes role delete Watcher") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            RoleInfo r = await client.Access.DeleteRoleAsync(p.GetValue(name)!, ct);
            return AccessCommands.Show(p, r, $"role {r.Name} deleted");
        });
        return cmd;
    }
}
