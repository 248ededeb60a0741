using System.CommandLine;
using Hospes.Cli.Remotes;
using Hospes.Client;

namespace Hospes.Cli.Commands;

/// <summary>Options every command has, and the one place API errors become exit codes.</summary>
internal static class CliContext
{
    public static readonly Option<string?> Socket = new("--socket")
    {
        Description = $"hospesd's API socket (default: ${HospesConnection.SocketVariable} or {HospesConnection.DefaultSocket})",
        Recursive = true,
    };

    /// <summary>A remote of `hospes remote` to send the command to (or "local"); beats $HOSPES_REMOTE and the current remote.</summary>
    public static readonly Option<string?> Remote = new("--remote")
    {
        Description = "Send the command to this remote of `hospes remote` (local: the unix socket); default: $HOSPES_REMOTE, else `hospes remote switch`'s",
        Recursive = true,
    };

    public static readonly Option<string> Format = CreateFormat();

    /// <summary>The project every request names: creates go there, lists show only it (issue 14).</summary>
    public static readonly Option<string?> Project = new("--project")
    {
        Description = "The project to work in: creates go there, lists show only its objects (default: create in 'default', list all)",
        Recursive = true,
    };

    /// <summary>How a command reaches hospesd, given --socket; tests answer with a stub instead.</summary>
    internal static Func<string?, HospesClient> Connect { get; set; } = socket => HospesClient.ForSocket(socket);

    /// <summary>How a command reaches a remote hospesd of `hospes remote` (name, remote).</summary>
    internal static Func<string, RemoteEntry, HospesClient> ConnectRemote { get; set; } = RemoteClients.Connect;

    /// <summary>Runs a command against hospesd; an API error prints one line (plus details) and exits 1.</summary>
    public static void Action(Command command, Func<ParseResult, HospesClient, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parsed, ct) =>
        {
            try
            {
                using HospesClient client = RemoteStore.Choose(parsed.GetValue(Remote), parsed.GetValue(Socket)) is { } remote
                    ? ConnectRemote(remote.Name, remote.Remote)
                    : Connect(parsed.GetValue(Socket));
                client.Connection.Project = parsed.GetValue(Project);
                return await action(parsed, client, ct);
            }
            catch (HospesApiException e)
            {
                foreach (string detail in e.Details)
                {
                    await Console.Error.WriteLineAsync(detail);
                }

                await Console.Error.WriteLineAsync($"hospes: {e.Message}");
                return 1;
            }
            catch (CliException e)
            {
                await Console.Error.WriteLineAsync($"hospes: {e.Message}");
                return 1;
            }
        });

    public static bool Json(ParseResult parsed) => parsed.GetValue(Format) == "json";

    private static Option<string> CreateFormat()
    {
        var format = new Option<string>("--format")
        {
            Description = "Output as a table for people or json for scripts",
            DefaultValueFactory = _ => "table",
            Recursive = true,
        };
        format.AcceptOnlyFromAmong("table", "json");
        return format;
    }
}
