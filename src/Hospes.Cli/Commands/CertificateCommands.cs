using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes cert add|list|remove`: TLS client certificates that log in as users over HTTPS.</summary>
internal static class CertificateCommands
{
    public static Command Create() => new(
        "cert",
        "TLS client certificates that log in as users over HTTPS (hospesd --listen)\n\nExamples:\n  hospes cert add alice alice.pem --name laptop\n  hospes cert list alice\n  hospes cert remove alice 3f1a...")
    {
        Add(), List(), Remove(),
    };

    private static Command Add()
    {
        var user = new Argument<string>("user") { Description = "The user the certificate logs in as" };
        var file = new Argument<string>("file") { Description = "The certificate, PEM (-----BEGIN CERTIFICATE-----); never its private key" };
        var name = new Option<string?>("--name") { Description = "A label (default: the certificate's subject name)" };
        var cmd = new Command("add", "Let the holder of a certificate's key log in as USER over HTTPS\n\nExamples:\n  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout alice.key -out alice.pem -subj /CN=alice -days 365\n  hospes cert add alice alice.pem --name laptop") { user, file, name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string path = p.GetValue(file)!;
            string pem;
            try
            {
                pem = await File.ReadAllTextAsync(path, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot read certificate file {path}: {e.Message}");
            }

            var added = await client.Certificates.AddAsync(p.GetValue(user)!, new UserCertificateRequest { Certificate = pem, Name = p.GetValue(name) }, ct);
            return Show(p, added, $"certificate {added.Fingerprint} ({added.Name}) now logs in as {added.User}");
        });
        return cmd;
    }

    private static Command List()
    {
        var user = new Argument<string?>("user") { Description = "Only this user's (default: every user's)", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("list", "List the certificates that log in as users\n\nExamples:\n  hospes cert list\n  hospes cert list alice --format json") { user };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var all = await client.Certificates.ListAsync(p.GetValue(user), ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("User", false), ("Name", false), ("Fingerprint", false), ("Added", false));
            foreach (UserCertificateInfo c in all)
            {
                table.Add(c.User, c.Name, c.Fingerprint, Printer.Format(c.CreatedAt));
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command Remove()
    {
        var user = new Argument<string>("user");
        var fingerprint = new Argument<string>("fingerprint") { Description = "SHA-256 of the certificate, as hospes cert list shows it (colons allowed)" };
        var cmd = new Command("remove", "Revoke a certificate: its next connection is refused\n\nExample:\n  hospes cert remove alice 3f1a...") { user, fingerprint };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var removed = await client.Certificates.RemoveAsync(p.GetValue(user)!, p.GetValue(fingerprint)!, ct);
            return Show(p, removed, $"certificate {removed.Fingerprint} ({removed.Name}) of {removed.User} removed: it no longer logs in");
        });
        return cmd;
    }

    private static int Show(ParseResult p, UserCertificateInfo certificate, string line)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(certificate);
        }
        else
        {
            Console.Out.WriteLine(line);
        }

        return 0;
    }
}
