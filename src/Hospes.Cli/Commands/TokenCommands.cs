using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes token create|list|revoke`: API tokens, shown once when made.</summary>
internal static class TokenCommands
{
    public static Command Create() => new(
        "token",
        "API tokens (Authorization: Bearer ...): a user may manage their own\n\nExamples:\n  hospes token create alice --name ci --expires 90d\n  hospes token list alice\n  hospes token revoke alice ci")
    {
        TokenCreate(), TokenList(), TokenRevoke(),
    };

    private static Command TokenCreate()
    {
        var user = new Argument<string>("user");
        var name = new Option<string?>("--name") { Description = "The token's name among the user's (default: default)" };
        var expires = new Option<string?>("--expires") { Description = "When it stops working: a span (3d, 12h) or a date (2027-01-31)" };
        var separated = new Option<bool>("--privilege-separated") { Description = "Only what ACL entries for USER!NAME give it (never more than its user), not all its user may do" };
        var cmd = new Command("create", "Make a token; it is printed this once, hospesd keeps only its hash\n\nExamples:\n  hospes token create alice --name ci --expires 3d\n  TOKEN=$(hospes token create alice --name backup --privilege-separated)") { user, name, expires, separated };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var request = new TokenCreateRequest
            {
                Name = p.GetValue(name),
                ExpiresAt = p.GetValue(expires) is { } e ? TimeArgument.Future("--expires", e) : null,
                PrivilegeSeparated = p.GetValue(separated),
            };
            TokenCreated t = await client.Access.CreateTokenAsync(p.GetValue(user)!, request, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(t);
                return 0;
            }

            // The token alone on stdout (for $(...)); what it is on stderr.
            Console.Out.WriteLine(t.Token);
            string end = t.Info.ExpiresAt is { } x ? $"until {Printer.Format(x)}" : "without end";
            string rights = t.Info.PrivilegeSeparated ? $"only what hospes acl set ... --token {t.Info.User}!{t.Info.Name} gives it" : $"all {t.Info.User} may do";
            await Console.Error.WriteLineAsync($"token {t.Info.User}!{t.Info.Name}, valid {end}, may do {rights}; it is shown only this once: store it now");
            return 0;
        });
        return cmd;
    }

    private static Command TokenList()
    {
        var user = new Argument<string?>("user") { Arity = ArgumentArity.ZeroOrOne, Description = "Only this user's (default: all you may see: your own, or all with User.Modify)" };
        var cmd = new Command("list", "List tokens (never their secrets: hospesd has only their hash)\n\nExamples:\n  hospes token list\n  hospes token list alice") { user };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            IReadOnlyList<TokenInfo> all = await client.Access.ListTokensAsync(p.GetValue(user), ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("User", false), ("Name", false), ("Id", false), ("Expires", false), ("Separated", false), ("Created", false));
            foreach (TokenInfo t in all)
            {
                table.Add(t.User, t.Name, t.Id, t.ExpiresAt is { } e ? Printer.Format(e) : "never", Printer.Format(t.PrivilegeSeparated), Printer.Format(t.CreatedAt));
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command TokenRevoke()
    {
        var user = new Argument<string>("user");
        var name = new Argument<string>("name");
        var cmd = new Command("revoke", "Revoke a token at once, with its ACL entries\n\nExample:\n  hospes token revoke alice ci") { user, name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            TokenInfo t = await client.Access.RevokeTokenAsync(p.GetValue(user)!, p.GetValue(name)!, ct);
            return AccessCommands.Show(p, t, $"token {t.User}!{t.Name} revoked; requests with it are refused from now on");
        });
        return cmd;
    }
}
