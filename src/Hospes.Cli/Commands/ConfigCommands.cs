using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

internal static class ConfigCommands
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Xen-style domain config" };
        var overrides = new Argument<string[]>("key=value") { Arity = ArgumentArity.ZeroOrMore, Description = "Settings that override the file" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also print notes: keys that mean nothing under QEMU and are accepted silently" };
        var check = new Command(
            "check",
            "Parse and validate a config file and print the normalized spec; problems this host would refuse at create are warnings here\n\n"
            + "Examples:\n  hospes config check web.cfg\n  hospes config check web.cfg --verbose\n  hospes config check web.cfg --format json")
        { file, overrides, verbose };
        CliContext.Action(check, async (p, client, ct) =>
        {
            var response = await client.Host.CheckConfigAsync(ConfigSource.Read(p.GetValue(file)!, p.GetValue(overrides) ?? []), ct);
            if (CliContext.Json(p))
            {
                Printer.Json(response);
            }
            else
            {
                bool notes = p.GetValue(verbose);
                foreach (Diagnostic d in response.Diagnostics.Where(d => notes || d.Severity != "note"))
                {
                    await Console.Error.WriteLineAsync(d.Rendered);
                }

                if (response.Normalized is { } normalized)
                {
                    await Console.Out.WriteAsync(normalized);
                }
            }

            int errors = response.Diagnostics.Count(d => d.Severity == "error");
            if (errors > 0 && !CliContext.Json(p))
            {
                await Console.Error.WriteLineAsync($"hospes: {p.GetValue(file)}: {errors} error(s)");
            }

            return response.Ok ? 0 : 1;
        });
        return new Command("config", "Work with Xen-style config files\n\nExample:\n  hospes config check /etc/xen/web.cfg") { check };
    }
}
