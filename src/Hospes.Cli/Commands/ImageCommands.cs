using System.CommandLine;
using Hospes.Cli.Client;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

internal static class ImageCommands
{
    public static Command Create() => new("image", "Images in this host's store\n\nExamples:\n  hospes image build tiny\n  hospes image list") { Build(), List(), Info() };

    private static Command Build()
    {
        var kind = new Argument<string>("kind") { Description = "What to build: tiny (a Debian kernel + busybox guest for tests and demos)" };
        var force = new Option<bool>("--force") { Description = "Rebuild even when the inputs did not change" };
        var cmd = new Command("build", "Build an image from Debian packages; configs then use it as kernel = \"image:tiny\"\n\nExample:\n  hospes image build tiny") { kind, force };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string what = p.GetValue(kind)!;
            if (!CliContext.Json(p))
            {
                await Console.Error.WriteLineAsync($"Building image '{what}' (the first build downloads Debian packages)...");
            }

            var response = await client.PostAsync<ImageBuildResponse>($"/v1/images/{HospesClient.Escape(what)}/build{(p.GetValue(force) ? "?force=true" : "")}", null, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(response);
                return 0;
            }

            foreach (string line in response.Log)
            {
                await Console.Error.WriteLineAsync("  " + line);
            }

            Console.Out.WriteLine(response.Rebuilt ? $"image '{response.Image.Name}' built: {response.Image.Kernel}" : $"image '{response.Image.Name}' is up to date: {response.Image.Kernel}");
            return 0;
        });
        return cmd;
    }

    private static Command List()
    {
        var cmd = new Command("list", "List the images\n\nExample:\n  hospes image list");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var images = await client.GetAsync<List<ImageInfo>>("/v1/images", ct);
            if (CliContext.Json(p))
            {
                Printer.Json(images);
                return 0;
            }

            var table = new Table(("Name", false), ("Kind", false), ("Built", false), ("Kernel", false));
            foreach (ImageInfo i in images)
            {
                table.Add(i.Name, i.Kind, Printer.Format(i.BuiltAt), i.Kernel ?? "");
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command Info()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("info", "Show one image\n\nExample:\n  hospes image info tiny") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var image = await client.GetAsync<ImageInfo>($"/v1/images/{HospesClient.Escape(p.GetValue(name)!)}", ct);
            if (CliContext.Json(p))
            {
                Printer.Json(image);
                return 0;
            }

            Printer.Fields([("Name", image.Name), ("Kind", image.Kind), ("Kernel", image.Kernel), ("Initrd", image.Initrd), ("Default cmdline", image.DefaultCmdline), ("Built", image.BuiltAt)]);
            return 0;
        });
        return cmd;
    }
}
