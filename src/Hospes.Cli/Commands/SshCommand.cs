using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>
/// `hospes ssh`: ssh into a guest through hospesd's TCP relay, with the key hospesd gave the guest, accepting only the
/// host key hospesd gave it (a known_hosts of that one line, strict checking). A guest that shows another key is
/// refused before anything is sent to it: something else may be answering at its address.
/// </summary>
internal static class SshCommand
{
    public static Command Create()
    {
        var vm = new Argument<string>("vm");
        var command = new Argument<string[]>("command") { Arity = ArgumentArity.ZeroOrMore, Description = "A command to run instead of a shell (after --)" };
        var cmd = new Command(
            "ssh",
            "Log into a guest with the key Hospes gave it, through hospesd (no route to the guest needed); the guest must show the host key Hospes gave it\n\nExamples:\n  hospes ssh web\n  hospes ssh web -- uname -a")
        {
            vm, command,
        };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string name = p.GetValue(vm)!;
            SshTarget target = await client.Networks.SshTargetAsync(name, ct);
            IReadOnlyList<string> keys = Keys(target);
            if (keys.Count == 0)
            {
                throw new CliException($"cannot read hospesd's ssh key {string.Join(", ", Offered(target))}: `hospes ssh` must run as root on the host of hospesd");
            }

            if (target.HostKey is not { } hostKey)
            {
                throw new CliException($"hospesd named no SSH host key for {name} (it is older than this hospes), and `hospes ssh` connects only to a guest whose host key it knows; upgrade hospesd");
            }

            string self = Environment.ProcessPath ?? "hospes";
            string proxy = $"{Quote(self)} --socket {Quote(client.Connection.Target)} tcp-proxy {Quote(name)} {target.Port}";
            DirectoryInfo dir = Directory.CreateTempSubdirectory("hospes-ssh-");
            try
            {
                string alias = $"hospes-{target.Vm}";
                string knownHosts = Path.Combine(dir.FullName, "known_hosts");
                string log = Path.Combine(dir.FullName, "ssh.log");
                await File.WriteAllTextAsync(knownHosts, $"{alias} {hostKey}\n", ct);
                IReadOnlyList<string> args = Arguments(target, keys, knownHosts, log, proxy, p.GetValue(command) ?? []);
                int exit = await RunSshAsync(args, ct);
                string errors = File.Exists(log) ? await File.ReadAllTextAsync(log, ct) : "";
                if (exit == 255 && IsHostKeyRefusal(errors))
                {
                    throw new CliException(
                        $"refused {name}: it did not show the SSH host key Hospes gave it ({Fingerprint(hostKey)}), so something else may be answering at "
                        + $"{target.Ip}, or the key inside the guest was replaced; nothing was sent to it. A tiny guest gets Hospes's key back at its next "
                        + $"start (`hospes shutdown {name}`, then `hospes start {name}`)");
                }

                await Console.Error.WriteAsync(errors);
                return exit;
            }
            finally
            {
                dir.Delete(recursive: true);
            }
        });
        return cmd;
    }

    /// <summary>The keys the target names (<see cref="SshTarget.KeyPaths"/>, else <see cref="SshTarget.KeyPath"/>), as given.</summary>
    internal static IReadOnlyList<string> Offered(SshTarget target) => target.KeyPaths.Count > 0 ? target.KeyPaths : [target.KeyPath];

    /// <summary>The offered keys that are files here: the local hospesd named them, so they are this host's.</summary>
    internal static IReadOnlyList<string> Keys(SshTarget target) => [.. Offered(target).Where(File.Exists)];

    /// <summary>
    /// ssh's arguments: every key (-i each, IdentitiesOnly: no agent's or ~/.ssh's), the one host key, the relay as the
    /// proxy command, then the command.
    /// </summary>
    internal static IReadOnlyList<string> Arguments(SshTarget target, IReadOnlyList<string> keys, string knownHosts, string log, string proxy, IReadOnlyList<string> command)
    {
        string hostKey = target.HostKey!;
        string alias = $"hospes-{target.Vm}";
        return
        [
            .. keys.SelectMany(k => new[] { "-i", k }), "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={knownHosts}", "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", $"HostKeyAlias={alias}", "-o", $"HostKeyAlgorithms={hostKey.Split(' ')[0]}", "-o", "CheckHostIP=no", "-o", "UpdateHostKeys=no",
            "-o", "LogLevel=ERROR", "-E", log, "-o", $"ProxyCommand={proxy}", $"{target.User}@{target.Vm}",
            .. command,
        ];
    }

    /// <summary>"SHA256:..." as ssh-keygen -l prints it, for a "TYPE BASE64" key line.</summary>
    internal static string Fingerprint(string keyLine)
    {
        string[] f = keyLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        byte[] blob = f.Length >= 2 ? Convert.FromBase64String(f[1]) : [];
        return $"{f[0]} SHA256:{Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=')}";
    }

    /// <summary>What ssh writes when the server's key is not the one known_hosts has for it (or it showed none of that type).</summary>
    internal static bool IsHostKeyRefusal(string sshLog) =>
        sshLog.Contains("Host key verification failed", StringComparison.Ordinal)
        || sshLog.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal)
        || sshLog.Contains("no matching host key type found", StringComparison.Ordinal);

    private static async Task<int> RunSshAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ssh") { UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process ssh;
        try
        {
            ssh = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new CliException("ssh is missing; install the openssh-client package");
        }

        using (ssh)
        {
            await ssh.WaitForExitAsync(ct);
            return ssh.ExitCode;
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
