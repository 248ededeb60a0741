using System.CommandLine;

namespace Hospes.Cli.Commands;

/// <summary>user, group, token, acl, role, audit and whoami: who may do what (issue 14).</summary>
internal static class AccessCommands
{
    public static IEnumerable<Command> All() =>
        [UserCommands.Create(), GroupCommands.Create(), TokenCommands.Create(), AclCommands.Create(), RoleCommands.Create(), AuditCommand.Create(), WhoamiCommand.Create()];

    /// <summary>A one-line result, or the record as JSON.</summary>
    public static int Show<T>(ParseResult p, T value, string line)
    {
        if (CliContext.Json(p))
        {
            Output.Printer.Json(value);
        }
        else
        {
            Console.Out.WriteLine(line);
        }

        return 0;
    }

    /// <summary>A password from the first line of stdin (never an option: it would show in ps and the shell's history).</summary>
    public static string ReadPassword(string usage)
    {
        string? line = Console.In.ReadLine();
        return string.IsNullOrEmpty(line)
            ? throw new CliException($"--password-stdin: no password on stdin; pipe it in, e.g. {usage}")
            : line;
    }
}
