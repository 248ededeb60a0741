using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes group create|list|delete|add|remove`.</summary>
internal static class GroupCommands
{
    public static Command Create() => new(
        "group",
        "Groups of users: an ACL entry for a group holds for each member\n\nExamples:\n  hospes group create team3\n  hospes group add team3 alice\n  hospes acl set /projects/lab1 --group team3 --role Operator")
    {
        GroupCreate(), GroupList(), GroupDelete(), GroupAdd(), GroupRemove(),
    };

    private static Command GroupCreate()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("create", "Create a group\n\nExample:\n  hospes group create team3") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            GroupInfo g = await client.Access.CreateGroupAsync(p.GetValue(name)!, ct);
            return AccessCommands.Show(p, g, $"group {g.Name} created; add users with hospes group add {g.Name} USER");
        });
        return cmd;
    }

    private static Command GroupList()
    {
        var cmd = new Command("list", "List the groups and their members\n\nExample:\n  hospes group list");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            IReadOnlyList<GroupInfo> all = await client.Access.ListGroupsAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("Name", false), ("Members", false));
            foreach (GroupInfo g in all)
            {
                table.Add(g.Name, g.Members.Count == 0 ? "-" : string.Join(",", g.Members));
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command GroupDelete()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("delete", "Delete a group with its memberships and ACL entries (the users stay)\n\nExample:\n  hospes group delete team3") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            GroupInfo g = await client.Access.DeleteGroupAsync(p.GetValue(name)!, ct);
            return AccessCommands.Show(p, g, $"group {g.Name} deleted, with its ACL entries; its {g.Members.Count} member(s) stay users");
        });
        return cmd;
    }

    private static Command GroupAdd()
    {
        var group = new Argument<string>("group");
        var user = new Argument<string>("user");
        var cmd = new Command("add", "Add a user to a group\n\nExample:\n  hospes group add team3 alice") { group, user };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            GroupInfo g = await client.Access.AddMemberAsync(p.GetValue(group)!, p.GetValue(user)!, ct);
            return AccessCommands.Show(p, g, $"user {p.GetValue(user)} added to group {g.Name}");
        });
        return cmd;
    }

    private static Command GroupRemove()
    {
        var group = new Argument<string>("group");
        var user = new Argument<string>("user");
        var cmd = new Command("remove", "Take a user out of a group\n\nExample:\n  hospes group remove team3 alice") { group, user };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            GroupInfo g = await client.Access.RemoveMemberAsync(p.GetValue(group)!, p.GetValue(user)!, ct);
            return AccessCommands.Show(p, g, $"user {p.GetValue(user)} removed from group {g.Name}");
        });
        return cmd;
    }
}
