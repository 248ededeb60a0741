using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Cli.Remotes;
using Hospes.Client;

namespace Hospes.Cli.Commands;

/// <summary>`hospes remote add|list|switch|remove|show`: other hosts' hospesd over HTTPS, pinned at first use as ssh does.</summary>
internal static class RemoteCommands
{
    /// <summary>
    /// Asks the user to trust a certificate (the question; true: yes). Null: not on a terminal, so there is no one to
    /// ask. Tests put an answer here.
    /// </summary>
    internal static Func<string, bool>? Confirm { get; set; } = Console.IsInputRedirected || Console.IsErrorRedirected ? null : AskOnTerminal;

    /// <summary>Reads a token from standard input (--token-stdin); tests put one here.</summary>
    internal static Func<TextReader> StandardInput { get; set; } = () => Console.In;

    public static Command Create()
    {
        var remote = new Command("remote", "Other hosts' hospesd over HTTPS: add one (its certificate is pinned at first use, as ssh does), then send any command there with --remote NAME or `hospes remote switch NAME`\n\nExamples:\n  hospes remote add course https://host.example:8443 --token-stdin < token\n  hospes --remote course list\n  hospes remote switch course\n  hospes remote switch local");
        remote.Subcommands.Add(Add());
        remote.Subcommands.Add(List());
        remote.Subcommands.Add(Switch());
        remote.Subcommands.Add(Remove());
        remote.Subcommands.Add(Show());
        return remote;
    }

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = "What to call the remote (--remote NAME)" };
        var url = new Argument<string>("url") { Description = "https://HOST:PORT where the remote hospesd listens (its --listen)" };
        var token = new Option<string?>("--token") { Description = "A token of yours there (`hospes token create USER` on that host); it shows in ps: prefer --token-stdin" };
        var tokenStdin = new Option<bool>("--token-stdin") { Description = "Read the token from standard input (first line)" };
        var fingerprint = new Option<string?>("--fingerprint") { Description = "Pin this SHA-256 fingerprint of the server's certificate (hospesd logs it at start) instead of asking" };
        var accept = new Option<bool>("--accept-certificate") { Description = "Pin whatever certificate the server presents now, without asking" };
        var clientCert = new Option<string?>("--client-cert") { Description = "A PEM client certificate mapped to your user there (with --client-key), instead of a token" };
        var clientKey = new Option<string?>("--client-key") { Description = "The PEM private key of --client-cert" };
        var cmd = new Command("add", "Add a remote hospesd: show its certificate's fingerprint and pin it (asked on a terminal; else --fingerprint or --accept-certificate), then check the token works; nothing is stored when anything fails\n\nExamples:\n  hospes remote add course https://host.example:8443 --token-stdin < token\n  hospes remote add course https://10.0.0.2:8443 --token \"$T\" --fingerprint 3f9a...\n  hospes remote add lab https://lab:8443 --client-cert me.crt --client-key me.key --accept-certificate")
        {
            name, url, token, tokenStdin, fingerprint, accept, clientCert, clientKey,
        };
        Local(cmd, async (p, ct) =>
        {
            string remoteName = p.GetValue(name)!;
            if (RemoteNames.Problem(remoteName) is { } badName)
            {
                throw new CliException(badName);
            }

            RemotesFile file = RemoteStore.Load();
            if (file.Remotes.TryGetValue(remoteName, out RemoteEntry? old))
            {
                throw new CliException($"remote {remoteName} exists ({old.Url}); remove it first: hospes remote remove {remoteName}");
            }

            Uri address = ParseUrl(p.GetValue(url)!);
            string? secret = Token(p.GetValue(token), p.GetValue(tokenStdin));
            (string? certFile, string? keyFile) = (p.GetValue(clientCert), p.GetValue(clientKey));
            if ((certFile is null) != (keyFile is null))
            {
                throw new CliException("--client-cert and --client-key go together: give both (PEM files), or neither and a token");
            }

            if (secret is null && certFile is null)
            {
                throw new CliException("remote add needs a credential: --token-stdin (or --token TOKEN), made on that host with `hospes token create USER`; or --client-cert and --client-key");
            }

            certFile = certFile is null ? null : Path.GetFullPath(certFile);
            keyFile = keyFile is null ? null : Path.GetFullPath(keyFile);
            string pin = await PinAsync(address, p.GetValue(fingerprint), p.GetValue(accept), p.GetValue(tokenStdin), ct);
            var entry = new RemoteEntry
            {
                Url = $"https://{address.Authority}",
                Fingerprint = pin,
                Token = secret,
                ClientCertificate = certFile,
                ClientKey = keyFile,
                AddedAt = DateTimeOffset.UtcNow,
            };
            string rights = await CheckAsync(remoteName, entry, ct);

            // Read again: another hospes may have written the file while this one waited for the user.
            RemotesFile now = RemoteStore.Load();
            if (now.Remotes.ContainsKey(remoteName))
            {
                throw new CliException($"remote {remoteName} was added meanwhile by another hospes; nothing was changed");
            }

            now.Remotes[remoteName] = entry;
            RemoteStore.Save(now);
            Console.Out.WriteLine($"remote {remoteName} added: {entry.Url}, certificate {RemoteNames.Short(pin)}…, {rights}");
            Console.Out.WriteLine($"use it: hospes --remote {remoteName} list, or hospes remote switch {remoteName}");
            return 0;
        });
        return cmd;
    }

    private static Command List()
    {
        var cmd = new Command("list", "List the remotes (never their tokens); * marks where commands go by default\n\nExamples:\n  hospes remote list\n  hospes remote list --format json");
        Local(cmd, (p, _) =>
        {
            RemotesFile file = RemoteStore.Load();
            if (CliContext.Json(p))
            {
                Printer.Json(file.Remotes.Select(r => new RemoteView(r.Key, r.Value.Url, r.Value.Fingerprint, r.Value.Auth, r.Key == file.Current, r.Value.AddedAt)).ToList());
                return Task.FromResult(0);
            }

            var table = new Table(("Name", false), ("URL", false), ("Fingerprint", false), ("Auth", false));
            table.Add(file.Current is null ? $"{RemoteStore.Local} *" : RemoteStore.Local, $"unix:{Environment.GetEnvironmentVariable(HospesConnection.SocketVariable) ?? HospesConnection.DefaultSocket}", "-", "local user");
            foreach ((string name, RemoteEntry remote) in file.Remotes)
            {
                table.Add(name == file.Current ? $"{name} *" : name, remote.Url, RemoteNames.Short(remote.Fingerprint), remote.Auth);
            }

            Console.Out.Write(table.ToString());
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static Command Switch()
    {
        var name = new Argument<string>("name") { Description = $"A remote, or {RemoteStore.Local} for the unix socket" };
        var cmd = new Command("switch", $"Send commands to this remote by default (--remote and $HOSPES_REMOTE still win); {RemoteStore.Local} is the unix socket\n\nExamples:\n  hospes remote switch course\n  hospes remote switch {RemoteStore.Local}") { name };
        Local(cmd, (p, _) =>
        {
            string target = p.GetValue(name)!;
            RemotesFile file = RemoteStore.Load();
            if (target != RemoteStore.Local && !file.Remotes.ContainsKey(target))
            {
                throw new CliException($"no remote {target}{RemoteStore.Known(file)}; add it with `hospes remote add {target} https://HOST:PORT --token-stdin`");
            }

            RemoteStore.Save(file with { Current = target == RemoteStore.Local ? null : target });
            Console.Out.WriteLine(target == RemoteStore.Local
                ? "commands now go to hospesd's unix socket"
                : $"commands now go to remote {target} ({file.Remotes[target].Url}); back: hospes remote switch {RemoteStore.Local}");
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("remove", "Forget a remote: its URL, pinned certificate and token (the token stays valid on the server: revoke it there)\n\nExample:\n  hospes remote remove course") { name };
        Local(cmd, (p, _) =>
        {
            string target = p.GetValue(name)!;
            RemotesFile file = RemoteStore.Load();
            if (!file.Remotes.Remove(target))
            {
                throw new CliException($"no remote {target}{RemoteStore.Known(file)}");
            }

            bool wasCurrent = file.Current == target;
            RemoteStore.Save(file with { Current = wasCurrent ? null : file.Current });
            Console.Out.WriteLine($"remote {target} removed" + (wasCurrent ? "; commands go to hospesd's unix socket again" : ""));
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("show", "Show a remote: URL, the whole pinned fingerprint, how you are known there (never the token's secret)\n\nExample:\n  hospes remote show course") { name };
        Local(cmd, (p, _) =>
        {
            string target = p.GetValue(name)!;
            RemotesFile file = RemoteStore.Load();
            if (!file.Remotes.TryGetValue(target, out RemoteEntry? remote))
            {
                throw new CliException($"no remote {target}{RemoteStore.Known(file)}");
            }

            var view = new RemoteView(target, remote.Url, remote.Fingerprint, remote.Auth, target == file.Current, remote.AddedAt);
            if (CliContext.Json(p))
            {
                Printer.Json(view);
            }
            else
            {
                Printer.Fields([("Name", view.Name), ("URL", view.Url), ("Fingerprint", view.Fingerprint), ("Auth", view.Auth), ("Current", view.Current), ("Added", view.AddedAt)]);
            }

            return Task.FromResult(0);
        });
        return cmd;
    }

    /// <summary>The fingerprint to pin: the one given (checked at the first request), or the one seen, accepted by the user or by --accept-certificate.</summary>
    private static async Task<string> PinAsync(Uri address, string? given, bool accept, bool stdinTaken, CancellationToken ct)
    {
        if (given is not null)
        {
            string pin = HospesConnection.NormalizeFingerprint(given);
            return RemoteNames.IsFingerprint(pin)
                ? pin
                : throw new CliException($"--fingerprint {given} is not a SHA-256 fingerprint: 64 hex digits (colons allowed), as hospesd logs it at start");
        }

        string seen = await HospesConnection.ServerFingerprintAsync(address, ct);
        string where = $"{address.Host}:{address.Port}";
        await Console.Error.WriteLineAsync($"the certificate of hospesd at {where} has SHA-256 fingerprint {seen}");
        if (accept)
        {
            return seen;
        }

        if (stdinTaken || Confirm is not { } ask)
        {
            throw new CliException(
                $"not pinning the certificate of {where} (SHA-256 {seen}) unasked: there is no terminal to ask on{(stdinTaken ? " (standard input carries the token)" : "")}; "
                + $"compare it with the fingerprint hospesd logged at start on the server, then pass --fingerprint {seen} (or --accept-certificate)");
        }

        return ask($"compare it with the fingerprint hospesd logged at start on {address.Host}. Pin it and trust this server? [y/N] ")
            ? seen
            : throw new CliException($"certificate of {where} not accepted; nothing was stored");
    }

    /// <summary>
    /// A cheap request with the credentials: 200 or 403 (known, without host rights) keep the remote; 401 and a
    /// failure to connect refuse it.
    /// </summary>
    private static async Task<string> CheckAsync(string name, RemoteEntry entry, CancellationToken ct)
    {
        using HospesClient client = CliContext.ConnectRemote(name, entry);
        try
        {
            var host = await client.Host.InfoAsync(ct);
            return $"host {host.Hostname}";
        }
        catch (HospesApiException e) when (e.Status == System.Net.HttpStatusCode.Forbidden)
        {
            return "your credentials are valid (they give no right to the host's own details, which is usual for a user who is not an admin)";
        }
        catch (HospesApiException e) when (e.Status == System.Net.HttpStatusCode.Unauthorized)
        {
            string said = e.HasErrorBody ? e.Message[..Math.Max(0, e.Message.IndexOf(" (", StringComparison.Ordinal))] : "";
            throw new CliException($"remote {name} not added: the server refused the credentials{(said.Length > 0 ? $" ({said})" : "")}; "
                + "make a token on the server with `hospes token create USER` and give it with --token-stdin");
        }
        catch (HospesApiException e)
        {
            throw new CliException($"remote {name} not added: {e.Message}");
        }
    }

    private static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? url) || url.Scheme != Uri.UriSchemeHttps || url.Host.Length == 0
            || url.PathAndQuery is not ("/" or "") || url.UserInfo.Length > 0)
        {
            throw new CliException($"remote URL '{text}' is not https://HOST:PORT (e.g. https://host.example:8443, the address hospesd --listen serves)");
        }

        return url;
    }

    private static string? Token(string? given, bool fromStdin)
    {
        if (given is not null && fromStdin)
        {
            throw new CliException("give the token once: --token TOKEN or --token-stdin, not both");
        }

        string? token = fromStdin ? StandardInput().ReadLine()?.Trim() : given?.Trim();
        return token switch
        {
            null when fromStdin => throw new CliException("--token-stdin: standard input was empty; pipe the token in (hospes remote add NAME URL --token-stdin < token-file)"),
            "" => throw new CliException("the token is empty; make one on the server with `hospes token create USER`"),
            _ when token?.Any(char.IsWhiteSpace) == true => throw new CliException("the token holds white space; give it as `hospes token create` printed it"),
            _ => token,
        };
    }

    private static bool AskOnTerminal(string question)
    {
        Console.Error.Write(question);
        string? answer = Console.ReadLine()?.Trim();
        return answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Commands that read and write the remotes file only (add asks the remote itself); errors print one line, exit 1.</summary>
    private static void Local(Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parsed, ct) =>
        {
            try
            {
                return await action(parsed, ct);
            }
            catch (Exception e) when (e is CliException or HospesApiException)
            {
                await Console.Error.WriteLineAsync($"hospes: {e.Message}");
                return 1;
            }
        });

    /// <summary>A remote as list and show print it: the token's secret is never part of it.</summary>
    private sealed record RemoteView(string Name, string Url, string Fingerprint, string Auth, bool Current, DateTimeOffset? AddedAt);
}
