using Hospes.Storage.Tiny.Ssh;

namespace Hospes.Storage.Tiny.Initramfs;

/// <summary>/etc/rc, run once by init at boot. Everything before the ready marker is on the boot-time path: keep it lean.</summary>
internal static class RcScript
{
    public const string Path = "etc/rc";

    public static string Content { get; } = $$"""
        #!/bin/sh
        # Hospes tiny guest bring-up: the basic mounts, drivers for the devices present only (each insmod costs time
        # under TCG), acpid for the power button, hostname and SSH keys, disk, network, the SSH server, then the ready
        # marker.
        export PATH=/sbin:/bin:/usr/sbin:/usr/bin
        mount -t proc proc /proc
        mount -t sysfs sysfs /sys
        mount -t devtmpfs devtmpfs /dev
        read -r cmdline < /proc/cmdline
        . /{{RcModules.Path}}

        # load MODULE: insmod MODULE after its dependencies (chains D_<module> from /{{RcModules.Path}}), each with the
        # MODULE.PARAM=VALUE options from the kernel command line ('-' and '_' alike in names, as in the kernel).
        loaded=" "
        load() {
          eval "chain=\$D_$1"
          [ -n "$chain" ] || return 1
          for m in $chain; do
            case $loaded in *" $m "*) continue ;; esac
            set --
            for arg in $cmdline; do
              key=${arg%%=*}
              key=${key//-/_}
              case $key in "$m".?*) set -- "$@" "${arg#*.}" ;; esac
            done
            insmod "$moddir/$m.ko" "$@" && loaded="$loaded$m "
          done
        }

        # has_pci VENDOR [DEVICE]: is such a PCI function present?
        has_pci() {
          for d in /sys/bus/pci/devices/*; do
            [ -e "$d/vendor" ] || continue
            read -r v < "$d/vendor"
            [ "$v" = "$1" ] || continue
            [ -z "$2" ] && return 0
            read -r i < "$d/device"
            [ "$i" = "$2" ] && return 0
          done
          return 1
        }

        # has_acpi HID: does the firmware describe such a device?
        has_acpi() {
          for d in /sys/bus/acpi/devices/"$1":*; do [ -e "$d" ] && return 0; done
          return 1
        }

        # Transports: virtio-mmio devices come through ACPI (microvm), virtio-pci through PCI (q35).
        has_acpi LNRO0005 && load virtio_mmio
        has_pci 0x1af4 && load virtio_pci
        for d in /sys/bus/virtio/devices/*; do
          [ -e "$d/device" ] || continue
          read -r id < "$d/device"
          case $id in
            0x0001) load virtio_net ;;
            0x0002) load virtio_blk ;;
            # 0x0003, virtio-serial (the guest agent's channel): /{{AgentFiles.StarterPath}} loads its driver after the marker.
            0x0004) load virtio_rng ;;
            0x0005) load virtio_balloon ;;
          esac
        done
        has_acpi QEMU0001 && load pvpanic_mmio
        has_pci 0x1b36 0x0011 && load pvpanic_pci
        has_pci 0x8086 0x100e && load e1000
        has_pci 0x8086 0x7010 && load ata_piix && load sr_mod && load isofs

        # The ACPI power button (QMP system_powerdown) reaches acpid through evdev; acpid runs /etc/acpi/PWRF/00000080.
        acpid_pid=
        if [ -d /sys/firmware/acpi ]; then
          load evdev
          load button
          acpid -f < /dev/null > /dev/null 2>&1 &
          acpid_pid=$!
        fi

        # The name, and the SSH keys root may log in with ("TYPE:BASE64", the key line's space made a colon).
        name={{TinyGuest.DefaultHostname}}
        for arg in $cmdline; do
          case $arg in
            {{TinyGuest.NameParameter}}=?*) name=${arg#*=} ;;
            {{TinyGuest.SshKeyParameter}}=?*:?*) key=${arg#*=}; echo "${key%%:*} ${key#*:}" >> /root/.ssh/authorized_keys ;;
          esac
        done
        hostname "$name"

        # The disk is optional and may be blank: mount guesses the type and stays quiet when there is none.
        [ -b {{TinyGuest.DiskDevice}} ] && mount {{TinyGuest.DiskDevice}} {{TinyGuest.DiskMountPoint}} 2> /dev/null

        ip link set lo up
        if [ -e /sys/class/net/eth0 ]; then
          ip link set eth0 up
          udhcpc -i eth0 -f -t 5 -T 1 -A 5 -s /{{GuestFiles.DhcpScriptPath}} < /dev/null > /dev/null 2>&1 &
        fi

        # acpid must hold the button's event device before the marker, or an early system_powerdown is lost.
        acpid_listening() {
          for f in /proc/$1/fd/*; do
            for e in /dev/input/event*; do [ "$f" -ef "$e" ] && return 0; done
          done
          return 1
        }
        if [ -n "$acpid_pid" ] && [ -e /dev/input/event0 ]; then
          tries=0
          until acpid_listening "$acpid_pid" || [ $tries -ge 200 ]; do
            tries=$((tries + 1))
            usleep 5000
          done
        fi

        # The SSH server comes last and in the background, so the ready marker does not wait for it. Only keys get in
        # (-s: no passwords); logins get a pty from devpts. Its host key is the one hospesd made for this VM, handed
        # over by fw_cfg, so that `hospes ssh` knows whom it talks to; without one dropbear makes its own (-R).
        if [ -s /root/.ssh/authorized_keys ] && [ -e /sys/class/net/eth0 ]; then
          (
            mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
            hostkey=-R
            has_acpi QEMU0002 && load qemu_fw_cfg
            given=/sys/firmware/qemu_fw_cfg/by_name/{{TinyGuest.HostKeyFwCfgName}}/raw
            kept=/{{Dropbear.HostKeyDirectory}}/hospes_ed25519_host_key
            if [ -r "$given" ] && (umask 077 && mkdir -p /{{Dropbear.HostKeyDirectory}} && cat "$given" > "$kept") && [ -s "$kept" ]; then
              hostkey="-r $kept"
            fi
            exec dropbear -F -E $hostkey -s -p {{TinyGuest.SshPort}} -P /run/dropbear.pid
          ) < /dev/null >> /{{Dropbear.LogFile}} 2>&1 &
        fi

        # The ready marker comes from the console shell's /etc/profile, so what is typed after it reaches a shell.

        """;
}
