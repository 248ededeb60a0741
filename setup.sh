#!/usr/bin/env bash
# Installs what Hospes needs on Debian 12 and builds it: out/hospes (CLI) and out/hospesd (daemon); where systemd runs,
# installs and starts hospesd.service (deploy/hospesd.service).
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'setup.sh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs Debian packages and Hospes drives /dev/net/tun, bridges and QEMU)"
command -v apt-get >/dev/null || die "this script expects Debian 12 (apt-get not found)"

# QEMU 9.0 or later: Debian 12's own 7.2 loses guest memory during live migration under TCG.
QEMU_MIN_MAJOR=9
# fdisk (sfdisk) and e2fsprogs (debugfs, mkfs.ext4 -d) build and read guest disks without mounting them; debootstrap builds
# the Debian template; dosfstools and mtools write NoCloud seeds; openssh-client is used by the Debian guest tests;
# gcc and libc6-dev build the guest-side memory checker of the save/restore and migration tests; ovmf is the UEFI
# firmware of bios = 'ovmf' guests; acl's setfacl grants /dev/userfaultfd to one QEMU's uid for post-copy.
PACKAGES=(acl busybox-static ovmf genisoimage dnsmasq-base iproute2 nftables e2fsprogs fdisk debootstrap dosfstools mtools openssh-client curl openssl cpio socat procps gcc libc6-dev)
BACKPORTS_PACKAGES=(qemu-system-x86 qemu-utils)
# The browser tests of the web UI drive Debian's chromium (Playwright with ExecutablePath; never `playwright install`).
PACKAGES+=(chromium)
# Clusters (issue 17): each member's hospesd runs its own etcd member (etcd-server 3.4); etcdctl helps an admin look.
PACKAGES+=(etcd-server etcd-client)
# The CD-ROM boot tests (boot = 'd') make their install media with grub-mkrescue: GRUB's BIOS and UEFI images and
# xorriso. Installed without recommends: those would bring shim and grub's signed EFI packages, which try to install a
# boot loader on the host.
NORECOMMENDS_PACKAGES=(grub-common grub-pc-bin grub-efi-amd64-bin xorriso)

backports_source=/etc/apt/sources.list.d/hospes-bookworm-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "adding Debian bookworm-backports (QEMU 10)"
    cat >"$backports_source" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    apt_updated=no
fi

qemu_major() { qemu-system-x86_64 --version 2>/dev/null | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -n1; }
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
missing_bare=()
for p in "${NORECOMMENDS_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing_bare+=("$p"); done
# The web UI is bundled from npm packages (web/package-lock.json) by esbuild: Debian's nodejs and npm, unless a
# Node.js with npm is installed already (another vendor's nodejs bundles npm and conflicts with Debian's npm package).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
need_qemu=no
if [ -z "$(qemu_major)" ] || [ "$(qemu_major)" -lt "$QEMU_MIN_MAJOR" ] || ! command -v qemu-img >/dev/null; then need_qemu=yes; fi

if [ ${#missing[@]} -gt 0 ] || [ ${#missing_bare[@]} -gt 0 ] || [ "$need_qemu" = yes ] || [ "${apt_updated:-}" = no ]; then
    say "apt-get update"
    apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # The package starts a system etcd of its own; hospesd runs the cluster's member itself, so that one is switched off.
    if [[ " ${missing[*]} " == *" etcd-server "* ]] && [ -d /run/systemd/system ]; then
        systemctl disable --now etcd.service >/dev/null 2>&1 || true
    fi
fi
if [ ${#missing_bare[@]} -gt 0 ]; then
    say "installing ${missing_bare[*]} (without recommends)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_bare[@]}" >/dev/null
fi
if [ "$need_qemu" = yes ]; then
    say "installing ${BACKPORTS_PACKAGES[*]} from bookworm-backports"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports "${BACKPORTS_PACKAGES[@]}" >/dev/null
fi
[ "$(qemu_major)" -ge "$QEMU_MIN_MAJOR" ] || die "QEMU $(qemu_major) is installed but Hospes needs $QEMU_MIN_MAJOR or later; check apt's bookworm-backports source"

command -v dotnet >/dev/null || die "the .NET 10 SDK is missing: install it (https://dot.net) and run ./setup.sh again"
dotnet --list-sdks | grep -q '^10\.' || die "the .NET 10 SDK is needed; found: $(dotnet --list-sdks | tr '\n' ' ')"

say "building out/hospes and out/hospesd"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p out
for project in src/Hospes.Cli src/hospesd; do
    dotnet publish "$project" -c Release -o out --nologo -v quiet -p:UseAppHost=true >/dev/null \
        || { dotnet publish "$project" -c Release -o out --nologo -v minimal; die "build of $project failed"; }
done
[ -x out/hospes ] && [ -x out/hospesd ] || die "the build did not produce out/hospes and out/hospesd"
# The web UI hospesd serves at / (src/Hospes.Api/WebUi.cs reads out/wwwroot). npm ci only when the lock file changed;
# install scripts are not run (esbuild's binary comes as its own package); tsc checks the types, esbuild bundles.
say "building the web UI into out/wwwroot (web/: npm ci, tsc, esbuild)"
(
    cd web
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    fi
    node_modules/.bin/tsc --noEmit -p .
    node build.mjs ../out/wwwroot >/dev/null
) || die "the web UI did not build (web/): see the errors above"
# Supervised where systemd runs (PID 1): restarted if it dies, started at boot. Elsewhere (a container, WSL without
# systemd) nothing is installed: quickstart.sh starts hospesd itself, see README "Running hospesd".
if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] && command -v systemctl >/dev/null; then
    unit=/etc/systemd/system/hospesd.service
    sed "s|@HOSPESD@|$PWD/out/hospesd|" deploy/hospesd.service >"$unit.new"
    if ! cmp -s "$unit.new" "$unit"; then
        say "installing $unit (Restart=on-failure)"
        mv "$unit.new" "$unit"
        systemctl daemon-reload
    else
        rm -f "$unit.new"
    fi
    systemctl enable -q hospesd.service
    if systemctl is-active -q hospesd.service; then
        systemctl try-restart hospesd.service # the new build; its guests keep running (KillMode=process)
    elif pgrep -x hospesd >/dev/null; then
        say "a hospesd started by hand runs: systemd starts its own at the next boot, or after you stop that one"
    else
        systemctl start hospesd.service
    fi
else
    say "systemd is not PID 1 here: start hospesd yourself (./quickstart.sh does; see README, Running hospesd)"
fi

say "ready: $(out/hospes --version 2>/dev/null || echo out/hospes) / QEMU $(qemu-system-x86_64 --version | head -n1 | sed 's/.*version //')"
