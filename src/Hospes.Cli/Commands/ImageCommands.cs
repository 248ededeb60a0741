using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Client.Units;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

internal static class ImageCommands
{
    public static Command Create() => new("image", "Images in this host's store\n\nExamples:\n  hospes image build tiny\n  hospes image list") { Build(), Import(), List(), Info(), Delete() };

    private static Command Build()
    {
        var kind = new Argument<string>("kind") { Description = "What to build: tiny (a Debian kernel + busybox guest for tests and demos) or debian (debootstrap into a qcow2 template disk)" };
        var force = new Option<bool>("--force") { Description = "Rebuild even when the inputs did not change" };
        var name = new Option<string?>("--name") { Description = "The image's name in the store (default: the kind)" };
        var release = new Option<string?>("--release") { Description = "Debian release of a debian image (default: bookworm)" };
        var kernel = new Option<string?>("--kernel") { Description = "Kernel of a tiny image: cloud (default, virtio only) or generic (also drives e1000 NICs)" };
        var size = new Option<string?>("--size") { Description = "Disk size of a debian image (default: 4G)" };
        var cmd = new Command("build", "Build an image from Debian packages; configs then use it as kernel = \"image:tiny\", or disk = [ 'image:debian,qcow2,xvda,w' ] with bootloader = \"pygrub\"\n\nExamples:\n  hospes image build tiny\n  hospes image build tiny --kernel generic --name tiny-generic\n  hospes image build debian --release bookworm --size 4G") { kind, force, name, release, size, kernel };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string what = p.GetValue(kind)!;
            if (!CliContext.Json(p))
            {
                await Console.Error.WriteLineAsync($"Building image '{what}' (the first build downloads Debian packages)...");
            }

            long? bytes = null;
            if (p.GetValue(size) is { } text)
            {
                bytes = SizeOption.Bytes(text);
            }

            var request = new ImageBuildRequest { Kind = what, Force = p.GetValue(force), Name = p.GetValue(name), Release = p.GetValue(release), SizeBytes = bytes, Kernel = p.GetValue(kernel) };
            var response = await client.Images.BuildAsync(request, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(response);
                return 0;
            }

            foreach (string line in response.Log)
            {
                await Console.Error.WriteLineAsync("  " + line);
            }

            string where = response.Image.Disk ?? response.Image.Kernel ?? "";
            Console.Out.WriteLine(response.Rebuilt ? $"image '{response.Image.Name}' built: {where}" : $"image '{response.Image.Name}' is up to date: {where}");
            return 0;
        });
        return cmd;
    }

    private static Command Import()
    {
        var file = new Argument<string>("file") { Description = "A disk image: qcow2, raw, vmdk, vdi, vhdx or vpc (vhd)" };
        var name = new Option<string>("--name") { Description = "The image's name in the store", Required = true };
        var format = new Option<string?>("--source-format") { Description = "The file's format (qcow2, raw, vmdk, vdi, vhdx, vpc) when qemu-img should not guess it" };
        var cmd = new Command("import", "Convert a disk image into a read-only qcow2 image of the store; configs name it as 'image:NAME'\n\nExample:\n  hospes image import disk.vmdk --name deb12") { file, name, format };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var request = new ImageImportRequest { Path = Path.GetFullPath(p.GetValue(file)!), Name = p.GetValue(name)!, Format = p.GetValue(format) };
            var image = await client.Store.ImportImageAsync(request, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(image);
                return 0;
            }

            Console.Out.WriteLine($"image '{image.Name}' imported: {image.Path} ({ByteSize.Format(image.VirtualSizeBytes)})");
            return 0;
        });
        return cmd;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("delete", "Delete a disk image (refused while VMs or templates depend on it)\n\nExample:\n  hospes image delete deb12") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var image = await client.Store.DeleteImageAsync(p.GetValue(name)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(image);
                return 0;
            }

            Console.Out.WriteLine($"image '{image.Name}' deleted");
            return 0;
        });
        return cmd;
    }

    private static Command List()
    {
        var cmd = new Command("list", "List the images\n\nExample:\n  hospes image list");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var images = await client.Images.ListAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(images);
                return 0;
            }

            var table = new Table(("Name", false), ("Kind", false), ("Built", false), ("Size", true), ("Kernel / disk", false));
            foreach (ImageInfo i in images)
            {
                string size = i.VirtualSizeBytes is { } b ? ByteSize.Format(b) : "";
                table.Add(i.Name, i.Kind, Printer.Format(i.BuiltAt), size, i.Disk ?? i.Kernel ?? "");
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
            var image = await client.Images.GetAsync(p.GetValue(name)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(image);
                return 0;
            }

            Printer.Fields([("Name", image.Name), ("Kind", image.Kind), ("Kernel", image.Kernel), ("Initrd", image.Initrd), ("Default cmdline", image.DefaultCmdline), ("Disk", image.Disk),
                ("Size", image.VirtualSizeBytes is { } b ? ByteSize.Format(b) : null), ("Built", image.BuiltAt)]);
            return 0;
        });
        return cmd;
    }
}
