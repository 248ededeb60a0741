using Hospes.Host.State;
using Hospes.Network.Interfaces;

namespace Hospes.Host.Network;

internal sealed partial class NetworkService
{
    /// <summary>
    /// After a start (or a crash): networks whose bridge is up get their rules and dnsmasq back; bridges, rules,
    /// dnsmasq processes and folders of networks that no longer exist are removed. Only what carries this
    /// hospesd's alias (links) or lives in its state dir (dnsmasq) is touched; taps die with their QEMU.
    /// </summary>
    private async Task ReconcileCoreAsync(CancellationToken ct)
    {
        IReadOnlyList<NetworkRecord> networks = All;
        IReadOnlyList<LinkInfo> links = await _host.ListLinksAsync(ct).ConfigureAwait(false);
        foreach (LinkInfo link in links.Where(l => l.Alias?.StartsWith($"{AliasPrefix}net:", StringComparison.Ordinal) == true))
        {
            string name = link.Alias![$"{AliasPrefix}net:".Length..];
            if (networks.All(n => n.Name != name || n.Bridge != link.Name))
            {
                LogRepair("bridge", link.Name, "its network was deleted; removed");
                await TeardownAsync(name, link.Name, ct).ConfigureAwait(false);
            }
        }

        foreach (string dir in Directory.EnumerateDirectories(NetworksDir))
        {
            string name = Path.GetFileName(dir);
            if (networks.All(n => n.Name != name))
            {
                LogRepair("network folder", name, "its network was deleted; dnsmasq stopped, files removed");
                await _host.StopDhcpAsync(dir, ct).ConfigureAwait(false);
                Directory.Delete(dir, recursive: true);
                if (Directory.Exists(HostsDir(name)))
                {
                    Directory.Delete(HostsDir(name), recursive: true);
                }
            }
        }

        foreach (NetworkRecord n in networks)
        {
            if (IsUp(n, links))
            {
                // Rules may have been flushed, dnsmasq may have died with a reboot of nothing else.
                _ = await ActivateCoreAsync(n, null, ct).ConfigureAwait(false);
            }
            else if (_host.DhcpPid(NetworkDir(n.Name)) is not null)
            {
                LogRepair("dnsmasq of network", n.Name, "its bridge is gone; stopped");
                await _host.StopDhcpAsync(NetworkDir(n.Name), ct).ConfigureAwait(false);
            }
        }

        var ours = networks.Select(n => NetworkSpecs.TableName(n.Bridge)).ToHashSet(StringComparer.Ordinal);
        var linkNames = links.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string table in await _host.ListTablesAsync(ct).ConfigureAwait(false))
        {
            // A table of ours whose bridge no longer exists at all (another hospesd's bridge would still exist).
            if (table.StartsWith("hospes_", StringComparison.Ordinal) && !ours.Contains(table) && !linkNames.Any(l => NetworkSpecs.TableName(l) == table))
            {
                LogRepair("nftables table", table, "no bridge of it is left; removed");
                await _host.DeleteRulesAsync(table, ct).ConfigureAwait(false);
            }
        }
    }
}
