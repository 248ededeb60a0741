using System.CommandLine;
using System.Globalization;
using System.Net.WebSockets;
using Hospes.Cli.Output;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>network, vif-list, port-forward, ssh and the hidden tcp-proxy that ssh rides on.</summary>
internal static class NetworkCommands
{
    public static IEnumerable<Command> All() => [Network(), VifList(), PortForward(), SshCommand.Create(), TcpProxy()];

    private static Command Network() => new(
        "network",
        "Virtual networks: a bridge with DHCP and DNS for the guests, NAT to the outside or isolated\n\nExamples:\n  hospes network create lab0 --subnet 10.165.1.0/24\n  hospes network list\n  vif = [ 'bridge=lab0' ] in a config puts a VM on it")
    {
        NetworkCreate(), NetworkList(), NetworkInfo(), NetworkDelete(),
    };

    private static Command NetworkCreate()
    {
        var name = new Argument<string>("name");
        var subnet = new Option<string>("--subnet") { Description = "IPv4 subnet, e.g. 10.165.1.0/24; the host takes its first address", Required = true };
        var nat = new Option<bool>("--nat") { Description = "Guests reach beyond the host through NAT (the default)" };
        var isolated = new Option<bool>("--isolated") { Description = "Guests reach each other and the host's bridge address only" };
        var bridge = new Option<string?>("--bridge") { Description = "The Linux bridge's name (default: the network's name)" };
        var cmd = new Command("create", "Create a network and bring it up\n\nExamples:\n  hospes network create lab0 --subnet 10.165.1.0/24\n  hospes network create quiet --subnet 10.165.2.0/24 --isolated") { name, subnet, nat, isolated, bridge };
        cmd.Validators.Add(r =>
        {
            if (r.GetValue(nat) && r.GetValue(isolated))
            {
                r.AddError("--nat and --isolated exclude each other; give one");
            }
        });
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var request = new NetworkCreateRequest
            {
                Name = p.GetValue(name)!,
                Subnet = p.GetValue(subnet)!,
                Mode = p.GetValue(isolated) ? "isolated" : "nat",
                Bridge = p.GetValue(bridge),
            };
            var n = await client.Networks.CreateAsync(request, ct);
            return ShowNetwork(p, n, $"network {n.Name} created: bridge {n.Bridge}, {n.Subnet}, gateway {n.Gateway}, {n.Mode}");
        });
        return cmd;
    }

    private static Command NetworkList()
    {
        var cmd = new Command("list", "List the networks\n\nExample:\n  hospes network list");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var all = await client.Networks.ListAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("Name", false), ("Bridge", false), ("Subnet", false), ("Gateway", false), ("Mode", false), ("Active", false), ("VMs", true), ("Project", false));
            foreach (NetworkInfo n in all)
            {
                table.Add(n.Name, n.Bridge, n.Subnet, n.Gateway, n.Mode, n.Active ? "yes" : "no", n.Vms.Count.ToString(CultureInfo.InvariantCulture), n.Project);
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command NetworkInfo()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("info", "Show a network, its VMs and port forwards\n\nExample:\n  hospes network info lab0") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var n = await client.Networks.GetAsync(p.GetValue(name)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(n);
                return 0;
            }

            Printer.Fields(
            [
                ("name", n.Name), ("bridge", n.Bridge), ("subnet", n.Subnet), ("gateway", n.Gateway), ("mode", n.Mode),
                ("active", n.Active ? "yes" : "no (brought up when a VM on it starts)"), ("dnsmasq", n.DnsmasqPid is { } pid ? $"pid {pid}" : null),
                ("vms", string.Join(", ", n.Vms)),
                ("port forwards", string.Join(", ", n.PortForwards.Select(f => $"{f.HostPort}/{f.Protocol} -> {f.Vm} {f.GuestIp}:{f.GuestPort}"))),
                ("created", n.CreatedAt),
            ]);
            return 0;
        });
        return cmd;
    }

    private static Command NetworkDelete()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("delete", "Delete a network no VM uses: its bridge, DHCP server and rules\n\nExample:\n  hospes network delete lab0") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var n = await client.Networks.DeleteAsync(p.GetValue(name)!, ct);
            return ShowNetwork(p, n, $"network {n.Name} deleted");
        });
        return cmd;
    }

    private static Command VifList()
    {
        var vm = new Argument<string>("vm");
        var cmd = new Command("vif-list", "List a VM's network interfaces (like `xm network-list`)\n\nExample:\n  hospes vif-list web") { vm };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            var vifs = await client.Networks.ListVifsAsync(p.GetValue(vm)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(vifs);
                return 0;
            }

            var table = new Table(("Idx", true), ("MAC", false), ("IP", false), ("Network", false), ("Bridge", false), ("Model", false), ("Tap", false));
            foreach (VifInfo v in vifs)
            {
                table.Add(v.Index.ToString(CultureInfo.InvariantCulture), v.Mac, v.Ip ?? "-", v.Network ?? "(host bridge)", v.Bridge, v.Model, v.Tap ?? "-");
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command PortForward() => new(
        "port-forward",
        "Forward a port of the host's addresses to a port of a VM\n\nExamples:\n  hospes port-forward add web 2222:22\n  hospes port-forward list\n  hospes port-forward remove web 2222")
    {
        ForwardAdd(), ForwardList(), ForwardRemove(),
    };

    private static Command ForwardAdd()
    {
        var vm = new Argument<string>("vm");
        var ports = new Argument<string>("ports") { Description = "HOSTPORT:GUESTPORT, with /udp for UDP (e.g. 2222:22 or 5353:53/udp)" };
        var vif = new Option<int?>("--vif") { Description = "Which interface of the VM (default: the first on a Hospes network)" };
        var cmd = new Command("add", "Add a forward; it works while the VM runs and stays until removed\n\nExample:\n  hospes port-forward add web 2222:22") { vm, ports, vif };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            (int host, int guest, string protocol) = ParsePorts(p.GetValue(ports)!);
            var request = new PortForwardRequest { HostPort = host, GuestPort = guest, Protocol = protocol, Vif = p.GetValue(vif) };
            var f = await client.Networks.AddPortForwardAsync(p.GetValue(vm)!, request, ct);
            return ShowForward(p, f, $"host port {f.HostPort}/{f.Protocol} -> {f.Vm} {f.GuestIp}:{f.GuestPort} (network {f.Network})");
        });
        return cmd;
    }

    private static Command ForwardList()
    {
        var vm = new Argument<string?>("vm") { Arity = ArgumentArity.ZeroOrOne, Description = "Only this VM's forwards" };
        var cmd = new Command("list", "List port forwards\n\nExample:\n  hospes port-forward list web") { vm };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string? name = p.GetValue(vm);
            var all = await client.Networks.ListPortForwardsAsync(name, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("Host port", true), ("Proto", false), ("VM", false), ("Guest", false), ("Network", false));
            foreach (PortForwardInfo f in all)
            {
                table.Add(f.HostPort.ToString(CultureInfo.InvariantCulture), f.Protocol, f.Vm, $"{f.GuestIp}:{f.GuestPort}", f.Network);
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command ForwardRemove()
    {
        var vm = new Argument<string>("vm");
        var port = new Argument<string>("hostport") { Description = "The host port, with /udp for a UDP forward" };
        var cmd = new Command("remove", "Remove a forward\n\nExample:\n  hospes port-forward remove web 2222") { vm, port };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            string text = p.GetValue(port)!;
            string protocol = text.EndsWith("/udp", StringComparison.OrdinalIgnoreCase) ? "udp" : "tcp";
            string number = text.Split('/')[0];
            if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int hostPort))
            {
                throw new CliException($"'{text}' is not a host port; write e.g. 2222 or 5353/udp");
            }

            var f = await client.Networks.RemovePortForwardAsync(p.GetValue(vm)!, protocol, hostPort, ct);
            return ShowForward(p, f, $"forward from host port {f.HostPort}/{f.Protocol} to {f.Vm} removed");
        });
        return cmd;
    }

    /// <summary>stdin/stdout as a TCP connection to a guest port, relayed by hospesd (ssh's ProxyCommand).</summary>
    private static Command TcpProxy()
    {
        var vm = new Argument<string>("vm");
        var port = new Argument<int>("port");
        var cmd = new Command("tcp-proxy", "Connect stdin/stdout to a guest's TCP port through hospesd (for ssh -o ProxyCommand)\n\nExample:\n  ssh -o ProxyCommand='hospes tcp-proxy web 22' root@web") { vm, port };
        cmd.Hidden = true;
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            using ClientWebSocket ws = await client.Networks.ConnectTcpAsync(p.GetValue(vm)!, p.GetValue(port), ct);
            using Stream stdin = Console.OpenStandardInput();
            using Stream stdout = Console.OpenStandardOutput();
            Task up = Task.Run(async () =>
            {
                byte[] buffer = new byte[16384];
                int n;
                while ((n = await stdin.ReadAsync(buffer, CancellationToken.None)) > 0)
                {
                    await ws.SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary, true, CancellationToken.None);
                }

                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "stdin closed", CancellationToken.None);
            }, CancellationToken.None);
            byte[] buffer = new byte[16384];
            try
            {
                while (true)
                {
                    WebSocketReceiveResult r = await ws.ReceiveAsync(buffer, CancellationToken.None);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        if (r.CloseStatus is not WebSocketCloseStatus.NormalClosure)
                        {
                            throw new CliException(r.CloseStatusDescription ?? $"hospesd closed the relay ({r.CloseStatus})");
                        }

                        break;
                    }

                    await stdout.WriteAsync(buffer.AsMemory(0, r.Count), CancellationToken.None);
                    await stdout.FlushAsync(CancellationToken.None);
                }
            }
            catch (WebSocketException)
            {
            }

            return 0;
        });
        return cmd;
    }

    private static (int Host, int Guest, string Protocol) ParsePorts(string text)
    {
        string protocol = "tcp";
        string ports = text;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            protocol = text[(slash + 1)..].ToLowerInvariant();
            ports = text[..slash];
        }

        string[] parts = ports.Split(':');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int host)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int guest))
        {
            throw new CliException($"'{text}' is not HOSTPORT:GUESTPORT; write e.g. 2222:22 or 5353:53/udp");
        }

        return (host, guest, protocol);
    }

    private static int ShowNetwork(ParseResult p, NetworkInfo n, string line)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(n);
        }
        else
        {
            Console.Out.WriteLine(line);
        }

        return 0;
    }

    private static int ShowForward(ParseResult p, PortForwardInfo f, string line)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(f);
        }
        else
        {
            Console.Out.WriteLine(line);
        }

        return 0;
    }
}
