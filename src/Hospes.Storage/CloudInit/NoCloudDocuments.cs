using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hospes.Storage.CloudInit;

/// <summary>
/// The files of a NoCloud seed, as text. Values are validated first (<see cref="NoCloudIdentityValidator"/>), so only ssh keys
/// need YAML quoting; they are single-quoted, which the guest agent's sed can undo. The SSH host key is also written as files
/// of its own (<see cref="NoCloudSeed.HostKeyFile"/>), which Hospes's guest agent copies as they are.
/// </summary>
internal static class NoCloudDocuments
{
    public static string MetaData(NoCloudIdentity identity) =>
        $"instance-id: {identity.InstanceId}\nlocal-hostname: {identity.Hostname}\n";

    public static string UserData(NoCloudIdentity identity)
    {
        var text = new StringBuilder("#cloud-config\n");
        text.Append("hostname: ").Append(identity.Hostname).Append('\n');
        if (identity.SshAuthorizedKeys.Count > 0)
        {
            text.Append("ssh_authorized_keys:\n");
            foreach (string key in identity.SshAuthorizedKeys)
            {
                text.Append("  - '").Append(key.Trim().Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
            }
        }

        if (identity.SshHostKey is { } hostKey)
        {
            // cloud-init's own key: it writes /etc/ssh/ssh_host_ed25519_key{,.pub} from these.
            text.Append("ssh_keys:\n  ed25519_private: |\n");
            foreach (string line in hostKey.PrivateKey.Trim().Split('\n'))
            {
                text.Append("    ").Append(line.TrimEnd('\r')).Append('\n');
            }

            text.Append("  ed25519_public: '").Append(hostKey.PublicKey.Trim()).Append("'\n");
        }

        return text.ToString();
    }

    /// <summary>cloud-init's network config version 2, for guests that run the real cloud-init.</summary>
    public static string NetworkConfig(NoCloudStaticNetwork network)
    {
        var text = new StringBuilder("version: 2\nethernets:\n  primary:\n    match:\n      name: \"e*\"\n");
        text.Append("    addresses:\n      - ").Append(network.Address).Append('\n');
        if (network.Gateway is { } gateway)
        {
            string key = IPAddress.Parse(gateway).AddressFamily == AddressFamily.InterNetworkV6 ? "gateway6" : "gateway4";
            text.Append("    ").Append(key).Append(": ").Append(gateway).Append('\n');
        }

        if (network.Nameservers.Count > 0)
        {
            text.Append("    nameservers:\n      addresses: [").Append(string.Join(", ", network.Nameservers)).Append("]\n");
        }

        return text.ToString();
    }

    /// <summary>The same network as a systemd-networkd unit, which Hospes's own guest agent copies into place as is.</summary>
    public static string NetworkdUnit(NoCloudStaticNetwork network)
    {
        var text = new StringBuilder("[Match]\nName=en* eth*\n\n[Network]\n");
        text.Append("Address=").Append(network.Address).Append('\n');
        if (network.Gateway is { } gateway)
        {
            text.Append("Gateway=").Append(gateway).Append('\n');
        }

        foreach (string dns in network.Nameservers)
        {
            text.Append("DNS=").Append(dns).Append('\n');
        }

        return text.ToString();
    }
}
