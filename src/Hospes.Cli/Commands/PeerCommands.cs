using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes host token|add|list|remove`: the hosts this one trusts.</summary>
internal static class PeerCommands
{
    public static IEnumerable<Command> All() => [Token(), Add(), List(), Remove()];

    private static Command Token()
    {
        var cmd = new Command("token", "Print a one-time token that lets another host join this one (valid 1 hour); hospesd must run with --listen\n\nExamples:\n  hospes host token\n  hospes host token --format json");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var t = await client.Peers.CreateTokenAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(t);
                return 0;
            }

            Console.Out.WriteLine(t.Token);
            await Console.Error.WriteLineAsync($"one-time token, valid until {Printer.Format(t.ExpiresAt)}; on the other host: hospes host add NAME THIS-HOST:PORT --token TOKEN");
            return 0;
        });
        return cmd;
    }

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = "What this host will call the other one" };
        var address = new Argument<string>("address") { Description = "HOST:PORT where the other hospesd listens (its --listen)" };
        var token = new Option<string>("--token") { Description = "The token `hospes host token` printed on the other host", Required = true };
        var cmd = new Command("add", "Trust another host, and have it trust this one: both hospesd pin each other's certificate\n\nExamples:\n  hospes host add b 10.0.0.2:8443 --token hospes1.eyJ...\n  hospes host add b [2001:db8::2]:8443 --token \"$(ssh b hospes host token)\"") { name, address, token };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var request = new HostAddRequest { Name = p.GetValue(name)!, Address = p.GetValue(address)!, Token = p.GetValue(token)! };
            var peer = await client.Peers.AddAsync(request, ct);
            return Show(p, peer, $"host {peer.Name} at {peer.Address} added (fingerprint {Short(peer.Fingerprint)}); it trusts this host too");
        });
        return cmd;
    }

    private static Command List()
    {
        var cmd = new Command("list", "List the hosts this one trusts\n\nExamples:\n  hospes host list\n  hospes host list --format json");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var all = await client.Peers.ListAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("Name", false), ("Address", false), ("Fingerprint", false), ("Added", false));
            foreach (HostPeerInfo h in all)
            {
                table.Add(h.Name, h.Address ?? "-", Short(h.Fingerprint), Printer.Format(h.AddedAt));
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("remove", "Stop trusting a host (here only; run it on the other host too to end trust both ways)\n\nExample:\n  hospes host remove b") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var peer = await client.Peers.RemoveAsync(p.GetValue(name)!, ct);
            return Show(p, peer, $"host {peer.Name} removed: this host no longer trusts it");
        });
        return cmd;
    }

    private static int Show(ParseResult p, HostPeerInfo peer, string line)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(peer);
        }
        else
        {
            Console.Out.WriteLine(line);
        }

        return 0;
    }

    /// <summary>The first 16 hex digits: enough to compare by eye; `--format json` has the whole.</summary>
    private static string Short(string fingerprint) => fingerprint.Length > 16 ? fingerprint[..16] : fingerprint;
}
