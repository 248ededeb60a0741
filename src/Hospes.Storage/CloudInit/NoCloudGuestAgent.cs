namespace Hospes.Storage.CloudInit;

/// <summary>
/// Hospes's small NoCloud consumer for template images, in place of cloud-init (which pulls in python3 and adds seconds
/// of boot under TCG). A oneshot unit runs before sysinit.target, finds the CIDATA disk, and once per instance-id applies
/// the hostname, root's ssh keys and a static network. It also gives each clone its own ssh host keys: the seed's when it
/// has one (<see cref="NoCloudSeed.HostKeyFile"/>), else new ones.
/// </summary>
internal static class NoCloudGuestAgent
{
    public const string ScriptPath = "usr/local/sbin/hospes-nocloud";
    public const string UnitName = "hospes-nocloud.service";
    public const string HostKeysUnitName = "hospes-ssh-hostkeys.service";

    /// <summary>Where the agent remembers the last instance-id it applied.</summary>
    public const string StateFile = "/var/lib/hospes-nocloud/instance-id";

    /// <summary>Installs the script and units under <paramref name="root"/> and enables them (symlinks, as systemctl would).</summary>
    public static void InstallInto(string root)
    {
        string script = Path.Combine(root, ScriptPath);
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        File.WriteAllText(script, Script);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        string units = Path.Combine(root, "etc", "systemd", "system");
        Install(units, UnitName, Unit, "sysinit.target.wants");
        Install(units, HostKeysUnitName, HostKeysUnit, "multi-user.target.wants");
    }

    private static void Install(string units, string name, string text, string wants)
    {
        Directory.CreateDirectory(Path.Combine(units, wants));
        File.WriteAllText(Path.Combine(units, name), text);
        string link = Path.Combine(units, wants, name);
        File.Delete(link);
        File.CreateSymbolicLink(link, "/etc/systemd/system/" + name);
    }

    private const string Unit = """
        [Unit]
        Description=Apply the NoCloud seed (CIDATA disk): hostname, ssh keys, network
        DefaultDependencies=no
        After=local-fs.target systemd-remount-fs.service
        Before=sysinit.target systemd-networkd.service network-pre.target ssh.service
        Wants=network-pre.target

        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/usr/local/sbin/hospes-nocloud
        StandardOutput=journal+console

        [Install]
        WantedBy=sysinit.target

        """;

    private const string HostKeysUnit = """
        [Unit]
        Description=Generate this clone's ssh host keys
        ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key
        Before=ssh.service

        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/usr/bin/ssh-keygen -A

        [Install]
        WantedBy=multi-user.target

        """;

    // POSIX sh (dash). The seed is written by NoCloudSeed: plain 'key: value' lines, ssh keys single-quoted.
    private const string Script = """
        #!/bin/sh
        # Applies a NoCloud seed (a disk labelled CIDATA) once per instance-id. Installed by Hospes.
        set -eu
        state=/var/lib/hospes-nocloud
        dev=$(blkid -o device -t LABEL=CIDATA 2>/dev/null || blkid -o device -t LABEL=cidata 2>/dev/null || true)
        dev=$(echo "$dev" | head -n1)
        if [ -z "$dev" ]; then
            echo "hospes-nocloud: no CIDATA disk; nothing to apply"
            exit 0
        fi

        # Not under /tmp: systemd-tmpfiles-setup empties /tmp at the same point of boot, and did delete the mount point.
        mnt=/run/hospes-nocloud/seed
        mkdir -p "$mnt"
        trap 'umount "$mnt" 2>/dev/null || true; rmdir "$mnt" 2>/dev/null || true' EXIT
        mount -o ro "$dev" "$mnt"

        # field KEY FILE: the value of the first 'KEY: value' line, without surrounding quotes.
        field() { [ -f "$2" ] && sed -n "s/^$1:[[:space:]]*//p" "$2" | head -n1 | sed "s/^[\"']//; s/[\"'][[:space:]]*\$//; s/[[:space:]]*\$//" || true; }

        id=$(field instance-id "$mnt/meta-data")
        name=$(field hostname "$mnt/user-data")
        [ -n "$name" ] || name=$(field local-hostname "$mnt/meta-data")

        if [ -n "$id" ] && [ "$(cat "$state/instance-id" 2>/dev/null || true)" = "$id" ]; then
            echo "hospes-nocloud: instance $id already applied"
            exit 0
        fi

        if [ -n "$name" ]; then
            echo "$name" > /etc/hostname
            hostname "$name"
            sed -i '/^127\.0\.1\.1[[:space:]]/d' /etc/hosts
            echo "127.0.1.1	$name" >> /etc/hosts
        fi

        if [ -f "$mnt/user-data" ]; then
            keys=$(sed -n '/^ssh_authorized_keys:/,/^[^[:space:]-]/{/^[[:space:]]*-[[:space:]]*/{s///;p}}' "$mnt/user-data" \
                | sed "s/^'\(.*\)'[[:space:]]*\$/\1/; s/''/'/g; s/^\"\(.*\)\"[[:space:]]*\$/\1/")
            if [ -n "$keys" ]; then
                install -d -m 700 /root/.ssh
                printf '%s\n' "$keys" > /root/.ssh/authorized_keys
                chmod 600 /root/.ssh/authorized_keys
            fi
        fi

        if [ -f "$mnt/hospes.network" ]; then
            install -m 644 "$mnt/hospes.network" /etc/systemd/network/10-cidata.network
        else
            rm -f /etc/systemd/network/10-cidata.network
        fi

        # A new instance is a new machine: its own ssh host keys. The seed's when Hospes gave one (`hospes ssh` checks
        # the guest by it), else new ones made by hospes-ssh-hostkeys.service.
        rm -f /etc/ssh/ssh_host_*
        if [ -s "$mnt/ssh_host_ed25519_key" ] && [ -s "$mnt/ssh_host_ed25519_key.pub" ]; then
            install -m 600 "$mnt/ssh_host_ed25519_key" /etc/ssh/ssh_host_ed25519_key
            install -m 644 "$mnt/ssh_host_ed25519_key.pub" /etc/ssh/ssh_host_ed25519_key.pub
        fi
        mkdir -p "$state"
        echo "$id" > "$state/instance-id"
        echo "hospes-nocloud: applied instance ${id:-?} (hostname ${name:-unchanged})"

        """;
}
