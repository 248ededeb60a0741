using System.CommandLine;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes cluster init|token|join|list|leave|remove`: many hosts, one cluster on etcd (issue 17).</summary>
internal static class ClusterCommands
{
    public static Command Create() => new(
        "cluster",
        "A cluster of hosts: etcd (Debian's etcd-server, run by each hospesd) holds who is a member, who is up and which host owns each VM\n\n"
        + "Examples:\n  hospes cluster init --name course\n  hospes cluster token\n  hospes cluster join 10.0.0.1:8443 --token hospes1.eyJ...\n  hospes cluster list")
    {
        Init(), Token(), Join(), List(), Leave(), Remove(),
    };

    private static Command Init()
    {
        var name = new Option<string>("--name") { Description = "The cluster's name (default hospes)" };
        var etcd = new Option<string>("--etcd") { Description = "Use an etcd you run: its client URLs, e.g. https://10.0.0.5:2379[,...]; hospesd then starts no etcd member" };
        var ca = new Option<string>("--etcd-ca") { Description = "With --etcd: PEM file of the CA that signed its server certificate (default: the system's trust)" };
        var cert = new Option<string>("--etcd-cert") { Description = "With --etcd: PEM file of the client certificate to present (with --etcd-key)" };
        var key = new Option<string>("--etcd-key") { Description = "With --etcd: PEM file of that client certificate's private key" };
        (Option<int?> port, Option<int?> peerPort) = Ports();
        var cmd = new Command("init", "Make a cluster of this host alone: its CA and its etcd member (hospesd must run with --listen), or on an etcd you run (--etcd)\n\n"
            + "Examples:\n  hospes cluster init --name course\n  hospes cluster init --etcd-port 12379 --etcd-peer-port 12380\n"
            + "  hospes cluster init --etcd https://10.0.0.5:2379 --etcd-ca ca.pem --etcd-cert hospes.pem --etcd-key hospes.key")
        {
            name, etcd, ca, cert, key, port, peerPort,
        };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string? urls = p.GetValue(etcd);
            if (urls is null && (p.GetValue(ca) ?? p.GetValue(cert) ?? p.GetValue(key)) is not null)
            {
                throw new CliException("--etcd-ca, --etcd-cert and --etcd-key go with --etcd URL (an etcd you run)");
            }

            var request = new ClusterInitRequest
            {
                Name = p.GetValue(name),
                EtcdPort = p.GetValue(port),
                EtcdPeerPort = p.GetValue(peerPort),
                Etcd = urls,
                EtcdCa = Pem(p.GetValue(ca), "--etcd-ca"),
                EtcdCert = Pem(p.GetValue(cert), "--etcd-cert"),
                EtcdKey = Pem(p.GetValue(key), "--etcd-key"),
            };
            ClusterInfo c = await client.Cluster.InitAsync(request, ct);
            return Show(p, c, $"cluster {c.Name} made; this host ({c.Member}) is its first member, etcd at {c.EtcdUrl}{(c.External ? " (yours: hospesd starts none)" : "")}; `hospes cluster token` lets another host join");
        });
        return cmd;
    }

    private static Command Token()
    {
        var cmd = new Command("token", "Print a one-time token that lets another host join this host's cluster (valid 1 hour)\n\nExample:\n  hospes cluster token");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            HostTokenInfo t = await client.Cluster.CreateTokenAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(t);
                return 0;
            }

            Console.Out.WriteLine(t.Token);
            await Console.Error.WriteLineAsync($"one-time token, valid until {Printer.Format(t.ExpiresAt)}; on the other host: hospes cluster join THIS-HOST:PORT --token TOKEN");
            return 0;
        });
        return cmd;
    }

    private static Command Join()
    {
        var address = new Argument<string>("address") { Description = "HOST:PORT where a member's hospesd listens (its --listen)" };
        var token = new Option<string>("--token") { Description = "The token `hospes cluster token` printed on that member", Required = true };
        (Option<int?> port, Option<int?> peerPort) = Ports();
        var cmd = new Command("join", "Join the cluster of the member at ADDRESS: the two hosts trust each other, this host runs an etcd member (a voter up to cluster.voters, then a learner; none on an etcd the admin runs) and owns its VMs in the cluster\n\nExample:\n  hospes cluster join 10.0.0.1:8443 --token hospes1.eyJ...")
        {
            address, token, port, peerPort,
        };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var request = new ClusterJoinRequest { Address = p.GetValue(address)!, Token = p.GetValue(token)!, EtcdPort = p.GetValue(port), EtcdPeerPort = p.GetValue(peerPort) };
            ClusterInfo c = await client.Cluster.JoinAsync(request, ct);
            return Show(p, c, $"joined cluster {c.Name} as {c.Member}; etcd at {c.EtcdUrl}{(c.Learner ? " (a learner: it does not vote)" : "")}");
        });
        return cmd;
    }

    private static Command List()
    {
        var cmd = new Command("list", "List the cluster's hosts: up or down (\"HA frozen\": hospesd stopped cleanly with HA VMs running, they are not moved), CPUs, memory, VMs, etcd role, the HA leader (*), last seen\n\nExamples:\n  hospes cluster list\n  hospes cluster list --format json");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            IReadOnlyList<ClusterHostInfo> all = await client.Cluster.ListAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("Name", false), ("State", false), ("CPUs", true), ("Mem free", true), ("Committed", true), ("VMs", true), ("etcd", false), ("Leader", false), ("Last seen", false));
            foreach (ClusterHostInfo h in all)
            {
                table.Add(h.Name, h.Frozen ? h.State + " (HA frozen)" : h.State, h.Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{h.MemoryFreeMib}M", $"{h.MemoryCommittedMib}M",
                    $"{h.VmsRunning}/{h.Vms}", h.EtcdRole, h.Leader ? "*" : "", h.LastSeen is { } seen ? Printer.Format(seen) : "-");
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command Leave()
    {
        var cmd = new Command("leave", "Take this host out of its cluster: its etcd member stops, its VMs stay here\n\nExample:\n  hospes cluster leave");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            ClusterInfo c = await client.Cluster.LeaveAsync(ct);
            return Show(p, c, $"left cluster {c.Name}");
        });
        return cmd;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("host");
        var cmd = new Command("remove", "Remove a host that is down (or gone) from the cluster: its etcd member and its VMs' ownership go; its HA VMs are restarted on another host. For a host shown \"down (HA frozen)\" (its hospesd stopped cleanly, its HA VMs' QEMUs may still run there) run it only when the host is gone for good or they are stopped there\n\nExample:\n  hospes cluster remove pc07") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            ClusterHostInfo h = await client.Cluster.RemoveAsync(p.GetValue(name)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(h);
            }
            else
            {
                Console.Out.WriteLine($"host {h.Name} removed from the cluster");
            }

            return 0;
        });
        return cmd;
    }

    private static (Option<int?> Port, Option<int?> PeerPort) Ports() => (
        new Option<int?>("--etcd-port") { Description = "Client port of this host's etcd member (default: setting cluster.etcd_client_port, 2379)" },
        new Option<int?>("--etcd-peer-port") { Description = "Peer port of this host's etcd member (default: setting cluster.etcd_peer_port, 2380)" });

    /// <summary>A PEM file's text, read here (the CLI may run on another machine than hospesd).</summary>
    private static string? Pem(string? path, string option)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{option} {path}: cannot read it: {e.Message}");
        }
    }

    private static int Show(ParseResult p, ClusterInfo c, string line)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(c);
        }
        else
        {
            Console.Out.WriteLine(line);
        }

        return 0;
    }
}
