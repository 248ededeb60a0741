using Hospes.Storage.Tiny.Agent;

namespace Hospes.Storage.Tiny.Initramfs;

/// <summary>The tiny guest's scripts around the guest agent: its starter, and what a fork runs to become itself.</summary>
internal static class AgentFiles
{
    public const string StarterPath = "usr/sbin/hospes-agent";

    public const string PostForkPath = "usr/sbin/hospes-postfork";

    /// <summary>Written by the DHCP script at each lease, so hospes-postfork can wait for a new one.</summary>
    public const string LeaseMarker = "run/hospes-lease";

    /// <summary>The console shell writes a line here once it printed the ready marker; the agent's starter waits for it.</summary>
    public const string StartSignal = "run/hospes-agent.start";

    public static string Starter { get; } = $$"""
        #!/bin/sh
        # Run (and run again) by init: QEMU's guest agent on its virtio-serial port, hospesd's channel into the guest.
        # Everything here waits until the console shell printed the ready marker (it writes to /{{StartSignal}} then):
        # the driver's insmod and the agent's start (glib, under TCG) would otherwise take the CPU from the boot's last
        # steps. A fifo costs nothing while it waits; if the shell came first, the "fifo" is a file and read returns.
        if [ ! -e /run/hospes-ready ]; then
          mkfifo /{{StartSignal}} 2> /dev/null
          read -r _ < /{{StartSignal}}
        fi

        # Without udev nobody loads virtio_console or makes /dev/virtio-ports/NAME: find the port by its name in sysfs.
        port=/dev/virtio-ports/{{GuestAgent.PortName}}
        for d in /sys/bus/virtio/devices/*; do
          [ -e "$d/device" ] || continue
          read -r id < "$d/device"
          [ "$id" = 0x0003 ] || continue
          . /{{RcModules.Path}}
          for m in $D_virtio_console; do insmod "$moddir/$m.ko" 2> /dev/null; done
          tries=0
          until [ -e "$port" ] || [ $tries -ge 50 ]; do
            for f in /sys/class/virtio-ports/*/name; do
              [ -r "$f" ] || continue
              read -r name < "$f"
              [ "$name" = {{GuestAgent.PortName}} ] || continue
              dev=${f%/name}
              mkdir -p /dev/virtio-ports && ln -sf "../${dev##*/}" "$port"
            done
            [ -e "$port" ] && break
            tries=$((tries + 1))
            usleep 100000
          done
          break
        done

        # A VM started without the channel has nothing to serve; init would run an exiting script again at once.
        [ -e "$port" ] || exec sleep 86400

        /{{GuestAgent.Program}} -m virtio-serial -p "$port" -t /run < /dev/null >> /var/log/qemu-ga.log 2>&1
        # An agent that exits at once is not run again in a tight loop.
        sleep 1

        """;

    public static string PostFork { get; } = $$"""
        #!/bin/sh
        # hospes-postfork HOSTNAME: what a fork of this guest does to become a machine of its own (hospesd runs it through
        # the guest agent after a fork; it works by hand too): its host name (the console prompt shows it), a new DHCP
        # lease (the NIC may have a new MAC), and an empty neighbour table (the old one points at the parent's peers).
        name=$1
        case $name in
          '' | -* | *[!A-Za-z0-9.-]*)
            echo "usage: hospes-postfork HOSTNAME (letters, digits, '-' and '.'; got '$name')" >&2
            exit 2
            ;;
        esac
        hostname "$name" || exit 1
        echo "$name" > /etc/hostname

        [ -e /sys/class/net/eth0 ] || exit 0
        ip neigh flush dev eth0 2> /dev/null
        # A new udhcpc asks for a lease afresh, for this MAC and name; its output must not hold the agent's pipes.
        killall udhcpc 2> /dev/null
        rm -f /{{LeaseMarker}}
        udhcpc -i eth0 -f -t 5 -T 1 -A 5 -x hostname:"$name" -s /{{GuestFiles.DhcpScriptPath}} < /dev/null > /dev/null 2>&1 &
        tries=0
        until [ -e /{{LeaseMarker}} ]; do
          tries=$((tries + 1))
          if [ $tries -gt 100 ]; then
            echo "hospes-postfork: no DHCP lease on eth0 within 10 s; udhcpc keeps asking in the background" >&2
            exit 1
          fi
          usleep 100000
        done
        ip neigh flush dev eth0 2> /dev/null
        exit 0

        """;

    /// <summary>What guest-get-osinfo reads.</summary>
    public const string OsRelease = """
        PRETTY_NAME="Hospes tiny guest"
        NAME="Hospes tiny"
        ID=hospes-tiny

        """;
}
