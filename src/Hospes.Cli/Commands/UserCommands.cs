using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes user create|list|show|set|delete`.</summary>
internal static class UserCommands
{
    public static Command Create() => new(
        "user",
        "Users of this host: who may log in with a password, tokens or a certificate\n\nExamples:\n  hospes user create alice --expires 2027-01-31\n  printf '%s\\n' \"$PW\" | hospes user create bob --password-stdin\n  hospes user list")
    {
        UserCreate(), UserList(), UserShow(), UserSet(), UserDelete(),
    };

    private static Command UserCreate()
    {
        var name = new Argument<string>("name");
        var password = new Option<bool>("--password-stdin") { Description = "Read a password from the first line of stdin (without one: tokens and certificates only)" };
        var expires = new Option<string?>("--expires") { Description = "When the user stops working: a date (2027-01-31, ends as it begins, UTC) or a span (90d)" };
        var cmd = new Command("create", "Create a user\n\nExamples:\n  hospes user create alice\n  hospes user create alice --expires 2027-01-31\n  printf '%s\\n' \"$PW\" | hospes user create alice --password-stdin") { name, password, expires };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string user = p.GetValue(name)!;
            var request = new UserCreateRequest
            {
                Name = user,
                ExpiresAt = p.GetValue(expires) is { } e ? TimeArgument.Future("--expires", e) : null,
                Password = p.GetValue(password) ? AccessCommands.ReadPassword($"printf '%s\\n' \"$PW\" | hospes user create {user} --password-stdin") : null,
            };
            UserInfo u = await client.Access.CreateUserAsync(request, ct);
            return AccessCommands.Show(p, u, $"user {u.Name} created{(u.HasPassword ? " with a password" : "")}{Expiry(u)}; give it rights with hospes acl set PATH --user {u.Name} --role ROLE");
        });
        return cmd;
    }

    private static Command UserList()
    {
        var cmd = new Command("list", "List the users\n\nExample:\n  hospes user list");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            IReadOnlyList<UserInfo> all = await client.Access.ListUsersAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("Name", false), ("Enabled", false), ("Expires", false), ("Password", false), ("Tokens", true), ("Groups", false));
            foreach (UserInfo u in all)
            {
                table.Add(u.Name, Printer.Format(u.Enabled), u.ExpiresAt is { } e ? Printer.Format(e) : "never", Printer.Format(u.HasPassword), Printer.Format(u.Tokens), string.Join(",", u.Groups));
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command UserShow()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("show", "Show a user\n\nExample:\n  hospes user show alice") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            UserInfo u = await client.Access.GetUserAsync(p.GetValue(name)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(u);
                return 0;
            }

            Printer.Fields(
            [
                ("name", u.Name), ("enabled", u.Enabled), ("expires", u.ExpiresAt is { } e ? Printer.Format(e) : "never"), ("password", u.HasPassword),
                ("groups", string.Join(", ", u.Groups)), ("tokens", u.Tokens), ("created", u.CreatedAt),
            ]);
            return 0;
        });
        return cmd;
    }

    private static Command UserSet()
    {
        var name = new Argument<string>("name");
        var enable = new Option<bool>("--enable") { Description = "Let the user log in again" };
        var disable = new Option<bool>("--disable") { Description = "Refuse the user's logins and tokens from now on" };
        var expires = new Option<string?>("--expires") { Description = "A new end (a date or a span), or never" };
        var password = new Option<bool>("--password-stdin") { Description = "Read a new password from the first line of stdin" };
        var cmd = new Command("set", "Change a user: on or off, its end, its password\n\nExamples:\n  hospes user set alice --disable\n  hospes user set alice --expires never\n  printf '%s\\n' \"$PW\" | hospes user set alice --password-stdin") { name, enable, disable, expires, password };
        cmd.Validators.Add(r =>
        {
            if (r.GetValue(enable) && r.GetValue(disable))
            {
                r.AddError("--enable and --disable exclude each other; give one");
            }
            else if (!r.GetValue(enable) && !r.GetValue(disable) && r.GetValue(expires) is null && !r.GetValue(password))
            {
                r.AddError("nothing to change; give --enable, --disable, --expires DATE|never or --password-stdin");
            }
        });
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string user = p.GetValue(name)!;
            string? end = p.GetValue(expires);
            bool never = string.Equals(end, "never", StringComparison.OrdinalIgnoreCase);
            var request = new UserUpdateRequest
            {
                Enabled = p.GetValue(enable) ? true : p.GetValue(disable) ? false : null,
                NeverExpires = never,
                ExpiresAt = end is null || never ? null : TimeArgument.Future("--expires", end),
                Password = p.GetValue(password) ? AccessCommands.ReadPassword($"printf '%s\\n' \"$PW\" | hospes user set {user} --password-stdin") : null,
            };
            UserInfo u = await client.Access.UpdateUserAsync(user, request, ct);
            return AccessCommands.Show(p, u, $"user {u.Name}: {(u.Enabled ? "enabled" : "disabled")}{Expiry(u)}{(request.Password is null ? "" : ", password changed")}");
        });
        return cmd;
    }

    private static Command UserDelete()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("delete", "Delete a user, with its group memberships, tokens and ACL entries\n\nExample:\n  hospes user delete alice") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            UserInfo u = await client.Access.DeleteUserAsync(p.GetValue(name)!, ct);
            return AccessCommands.Show(p, u, $"user {u.Name} deleted, with its {u.Tokens} token(s), its group memberships and its ACL entries");
        });
        return cmd;
    }

    private static string Expiry(UserInfo u) => u.ExpiresAt is { } e ? $", expires {Printer.Format(e)}" : "";
}
