namespace Hospes.Storage.Tiny.Initramfs;

/// <summary>Every text file Hospes writes into the tiny guest. Busybox init is PID 1 so poweroff, reboot and signals work.</summary>
internal static class GuestFiles
{
    public const int Executable = 0b111_101_101; // 0755

    /// <summary>Where Debian's busybox udhcpc looks by default; /etc/rc also names it explicitly.</summary>
    public const string DhcpScriptPath = "etc/udhcpc/default.script";

    public static IReadOnlyList<GuestFile> All { get; } =
    [
        new("etc/inittab", Regular, $$"""
            # Hospes tiny guest (busybox init): bring-up, a root shell on the console, clean unmount at shutdown.
            ::sysinit:/etc/rc
            ::respawn:/bin/cttyhack /bin/sh -l
            ::respawn:/{{AgentFiles.StarterPath}}
            ::shutdown:/etc/rc.shutdown

            """),
        new(RcScript.Path, Executable, RcScript.Content),
        new("etc/rc.shutdown", Executable, """
            #!/bin/sh
            # Unmount the disks, innermost first, so their filesystems are clean; virtual filesystems need nothing.
            set --
            while read -r dev dir rest; do
              case $dev in /dev/*) set -- "$dir" "$@" ;; esac
            done < /proc/mounts
            for dir in "$@"; do
              umount "$dir" 2> /dev/null || mount -o remount,ro "$dir" 2> /dev/null
            done
            sync

            """),
        new("etc/acpi/PWRF/00000080", Executable, """
            #!/bin/sh
            # busybox acpid runs this on an ACPI power button press (QMP system_powerdown): shut down through init.
            exec poweroff

            """),
        new(DhcpScriptPath, Executable, $$"""
            #!/bin/sh
            # udhcpc calls this with the event in $1 and the lease in the environment.
            case $1 in
              deconfig)
                ip -4 addr flush dev "$interface"
                ip link set "$interface" up
                ;;
              bound|renew)
                ip -4 addr flush dev "$interface"
                ip addr add "$ip/${mask:-24}" ${broadcast:+broadcast "$broadcast"} dev "$interface"
                if [ -n "$router" ]; then
                  ip route del default 2> /dev/null
                  set -- $router
                  ip route add default via "$1" dev "$interface"
                fi
                : > /etc/resolv.conf
                [ -n "$domain" ] && echo "search $domain" >> /etc/resolv.conf
                for s in $dns; do echo "nameserver $s" >> /etc/resolv.conf; done
                echo "$ip" > /{{AgentFiles.LeaseMarker}}
                ;;
            esac
            exit 0

            """),
        new("etc/profile", Regular, $$"""
            export PATH=/sbin:/bin:/usr/sbin:/usr/bin
            export PS1='\h:\w\$ '

            # The ready marker, once per boot (the initramfs root is new at every boot): printed by the
            # console shell itself, so input sent after it is read by a shell rather than lost on a closed tty.
            # SSH login shells read this file too; they must not take the marker from the console.
            if [ -z "$SSH_CONNECTION" ] && [ ! -e /run/hospes-ready ]; then
              : > /run/hospes-ready
              echo {{TinyGuest.ReadyMarker}}
              # The guest agent starts now: /{{AgentFiles.StarterPath}} waits on this fifo (or finds a file; never blocks long).
              echo > /{{AgentFiles.StartSignal}}
            fi

            """),
        new("etc/passwd", Regular, "root:x:0:0:root:/root:/bin/sh\n"),
        new("etc/group", Regular, "root:x:0:\n"),
        // dropbear lets a user in only with a shell listed here.
        new("etc/shells", Regular, "/bin/sh\n"),
        new("etc/hosts", Regular, "127.0.0.1 localhost\n"),
        new(AgentFiles.StarterPath, Executable, AgentFiles.Starter),
        new(AgentFiles.PostForkPath, Executable, AgentFiles.PostFork),
        new("etc/os-release", Regular, AgentFiles.OsRelease),
    ];

    private const int Regular = 0b110_100_100; // 0644
}
