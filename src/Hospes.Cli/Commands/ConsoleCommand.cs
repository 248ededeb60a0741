using System.CommandLine;
using Hospes.Cli.Terminal;

namespace Hospes.Cli.Commands;

internal static class ConsoleCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name");
        var showLog = new Option<bool>("--show-log") { Description = "Print what the guest wrote so far and exit" };
        var cmd = new Command("console", "Attach to a VM's serial console; Ctrl-] detaches\n\nExamples:\n  hospes console web\n  hospes console web --show-log") { name, showLog };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string vm = p.GetValue(name)!;
            if (p.GetValue(showLog))
            {
                string log = await client.Console.LogAsync(vm, ct);
                await Console.Out.WriteAsync(log);
                return 0;
            }

            return await ConsoleClient.AttachAsync(client, vm, ct);
        });
        return cmd;
    }
}
