namespace Hospes.Storage.Debian;

/// <summary>
/// What a fork of a Debian guest runs to become a machine of its own (issue 16): <c>/usr/sbin/hospes-postfork HOSTNAME</c>,
/// the same contract as the tiny guest's (host name, a fresh DHCP lease, an empty neighbour table). hospesd runs it through
/// qemu-guest-agent (guest-exec) once the fork's NICs took their own MACs. The image's network (systemd-networkd) asks DHCP
/// with the MAC as client id, so a fork's new MAC gets a lease of its own: all forks of one guest share its machine-id,
/// from which networkd's default client id (a DUID) derives.
/// </summary>
internal static class DebianPostFork
{
    public const string ScriptPath = "usr/sbin/hospes-postfork";

    /// <summary>Added to the image: hospesd's channel into the guest (its udev rule starts it when the port appears).</summary>
    public const string AgentPackage = "qemu-guest-agent";

    /// <summary>Installs the script under <paramref name="root"/>, root's and executable by all (as /usr/sbin's others).</summary>
    public static void InstallInto(string root)
    {
        string script = Path.Combine(root, ScriptPath);
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        File.WriteAllText(script, Script);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    // POSIX sh (dash). HOSPES_POSTFORK_HOSTS only lets a test point it at a file of its own instead of /etc/hosts.
    public const string Script = """
        #!/bin/sh
        # hospes-postfork HOSTNAME: what a fork of this guest does to become a machine of its own (hospesd runs it through
        # qemu-guest-agent after a fork; it works by hand too): its host name, a new DHCP lease on each NIC (a fork has
        # new MACs), and an empty neighbour table (the old one points at the parent's peers). Installed by Hospes.
        name=$1
        case $name in
          '' | -* | *[!A-Za-z0-9.-]*)
            echo "usage: hospes-postfork HOSTNAME (letters, digits, '-' and '.'; got '$name')" >&2
            exit 2
            ;;
        esac

        hosts=${HOSPES_POSTFORK_HOSTS:-/etc/hosts}
        hostnamectl set-hostname "$name" 2> /dev/null || { hostname "$name" && echo "$name" > /etc/hostname; } || exit 1
        if [ -w "$hosts" ]; then
          sed -i '/^127\.0\.1\.1[[:space:]]/d' "$hosts"
          printf '127.0.1.1\t%s\n' "$name" >> "$hosts"
        fi

        ip neigh flush all 2> /dev/null
        nics=
        for d in /sys/class/net/*; do
          n=${d##*/}
          [ "$n" = lo ] || [ ! -e "$d/device" ] || nics="$nics $n"
        done
        [ -n "$nics" ] || exit 0

        # reconfigure, not renew: the lease is asked for afresh (the old one is the parent's address).
        for n in $nics; do
          ip -4 addr flush dev "$n" scope global 2> /dev/null
          networkctl reconfigure "$n" 2> /dev/null || { echo "hospes-postfork: networkctl reconfigure $n failed" >&2; exit 1; }
        done
        tries=0
        for n in $nics; do
          until [ -n "$(ip -4 -o addr show dev "$n" scope global 2> /dev/null)" ]; do
            tries=$((tries + 1))
            if [ $tries -gt 100 ]; then
              echo "hospes-postfork: no DHCP lease on $n within 10 s; systemd-networkd keeps asking in the background" >&2
              exit 1
            fi
            sleep 0.1
          done
        done
        ip neigh flush all 2> /dev/null
        exit 0

        """;
}
