#!/usr/bin/env bash
# From a fresh Debian 12 machine to a running demo lab: installs what is missing, builds, starts
# hospesd, builds the tiny guest image, boots three guests from examples/tiny.cfg, lists them and shows the web UI's
# address with a demo user's login.
# Run it again at any time: it only does what is not done yet.
set -euo pipefail
cd "$(dirname "$0")"

STATE_DIR=${HOSPES_STATE_DIR:-/var/lib/hospes}
export HOSPES_SOCKET=${HOSPES_SOCKET:-/run/hospes/hospes.sock}
LOG=${HOSPESD_LOG:-/var/log/hospesd.log}
# The API over HTTPS and the web UI: on loopback unless you say otherwise (HOSPES_LISTEN=0.0.0.0:8443).
LISTEN=${HOSPES_LISTEN:-127.0.0.1:8443}
LAB=(demo-1 demo-2 demo-3)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'quickstart.sh: %s\n' "$*" >&2; exit 1; }

./setup.sh
hospes() { out/hospes "$@"; }

if hospes host info >/dev/null 2>&1; then
    say "hospesd already answers on $HOSPES_SOCKET"
else
    say "starting hospesd (state in $STATE_DIR, log in $LOG)"
    mkdir -p "$(dirname "$LOG")"
    # Its own session: hospesd (and the guests it starts) outlive this script and its terminal.
    setsid out/hospesd --state-dir "$STATE_DIR" --socket "$HOSPES_SOCKET" --listen "$LISTEN" >>"$LOG" 2>&1 </dev/null &
    for _ in $(seq 1 100); do hospes host info >/dev/null 2>&1 && break; sleep 0.2; done
    hospes host info >/dev/null 2>&1 || { tail -n 20 "$LOG" >&2; die "hospesd did not start; see $LOG"; }
fi
hospes host info

say "building the tiny guest image (Debian kernel + busybox; skipped when up to date)"
hospes image build tiny

state_of() { hospes info "$1" --format json 2>/dev/null | sed -n 's/^  "state": "\([a-z_]*\)".*/\1/p'; }
for name in "${LAB[@]}"; do
    case "$(state_of "$name")" in
        "") say "creating $name"; hospes create examples/tiny.cfg "name=$name" ;;
        shutoff|crashed|saved) say "starting $name"; hospes start "$name" ;;
        *) say "$name is already $(state_of "$name")" ;;
    esac
done

say "waiting for the guests to reach userspace"
for name in "${LAB[@]}"; do
    for _ in $(seq 1 120); do hospes console "$name" --show-log | grep -q HOSPES-READY && break; sleep 0.5; done
    hospes console "$name" --show-log | grep -q HOSPES-READY || die "$name did not boot; see: out/hospes console $name --show-log"
done

hospes list

# The web UI: a demo user who may do everything, with a password kept (0600) in the state folder.
WEB_USER=demo
PASSWORD_FILE="$STATE_DIR/$WEB_USER.password"
if ! hospes user show "$WEB_USER" >/dev/null 2>&1; then
    say "creating the web UI's user $WEB_USER (Admin on /; its password in $PASSWORD_FILE)"
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$PASSWORD_FILE")
    hospes user create "$WEB_USER" --password-stdin <"$PASSWORD_FILE"
    hospes acl set / --user "$WEB_USER" --role Admin
fi
HOST_PORT=${LISTEN/0.0.0.0/$(hostname -f 2>/dev/null || hostname)}
if curl -skf -o /dev/null "https://$HOST_PORT/"; then
    WEB="The web UI: https://$HOST_PORT/  (user $WEB_USER, password: $(cat "$PASSWORD_FILE" 2>/dev/null || echo "see $PASSWORD_FILE"))"
else
    WEB="The web UI is not served at https://$HOST_PORT/: this hospesd was started without --listen $LISTEN; restart it with it"
fi

cat >&2 <<HELP

$WEB

The demo lab runs. Try:
  export HOSPES_SOCKET=$HOSPES_SOCKET PATH=\$PWD/out:\$PATH
  hospes console demo-1              # Ctrl-] detaches
  hospes save demo-2 /tmp/demo-2.save && hospes restore /tmp/demo-2.save
  hospes shutdown demo-3
  hospes --help
HELP
