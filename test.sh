#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the unit tests, then the integration tests that
# boot real guests under QEMU (TCG). A test whose tool is missing fails; none is skipped.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

status=0
logs=$(mktemp -d /tmp/hospes-test.XXXXXX)
: >"$logs/summary"
# Code style: the build enforces analyzers and code style with warnings as errors (Directory.Build.props), so
# only whitespace is left to check; `dotnet format` over the solution would compile everything a second time.
say "code style (dotnet format whitespace --verify-no-changes)"
dotnet format whitespace --folder --verify-no-changes . || { echo "test.sh: run 'dotnet format Hospes.slnx' and commit the result" | tee -a "$logs/summary" >&2; status=1; }

say "build (every project, benchmarks included; warnings are errors)"
dotnet build Hospes.slnx -c Release --nologo -v quiet -clp:ErrorsOnly || { echo "test.sh: the build failed" >&2; exit 1; }
# The compiler and MSBuild servers would outlive this script holding its output: a CI reading it waits for them.
dotnet build-server shutdown >/dev/null 2>&1 || true

# What a test run left running: processes that still hold this script's output (a CI that reads it to its end would
# wait for them until its time limit) and anything still running this checkout's out/hospesd or out/hospes. Each is
# named, killed, and fails the run: a test must leave nothing behind.
ancestors=" $$ "
pid=$$
while [ "${pid:-1}" -gt 1 ] && pid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null); do ancestors+="$pid "; done
leftovers() {
    local found=0 out err p pid cmd fd link
    out=$(readlink /proc/$$/fd/1) err=$(readlink /proc/$$/fd/2)
    # Only a pipe or a file is this run's own; a terminal or /dev/null is shared with the rest of the machine.
    [[ "$out" == pipe:* || ( "$out" == /* && "$out" != /dev/* ) ]] || out=none
    [[ "$err" == pipe:* || ( "$err" == /* && "$err" != /dev/* ) ]] || err=none
    for p in /proc/[0-9]*; do
        pid=${p#/proc/}
        [[ "$ancestors" == *" $pid "* || "$pid" == "$BASHPID" ]] && continue
        cmd=$( { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
        [ -n "$cmd" ] || continue
        for fd in 1 2; do
            link=$(readlink "$p/fd/$fd" 2>/dev/null) || continue
            if [[ "$cmd" =~ (MSBuild.dll|VBCSCompiler|[Rr]azor) ]]; then
                continue 2 # the build's servers, idle since the build: not the tests'
            fi
            if [[ "$link" == "$out" || "$link" == "$err" || "$cmd" == *"$PWD/out/"* ]]; then
                echo "test.sh: $1 left pid $pid running: ${cmd:0:300}" | tee -a "$logs/summary" >&2
                kill -9 "$pid" 2>/dev/null || true
                found=1
                break
            fi
        done
    done
    return $found
}
# What a test run left on disk or in the kernel: its /tmp folders (tests/Shared/TempDir's are named /tmp/ht-*, the
# test daemons' and shared images' /tmp/hit-*), network namespaces, and test daemons' RAM folders on tmpfs (fork points'
# and forkable VMs' RAM files: host memory; one per state dir, /dev/shm/hospes/HASH, hospesd's ForkRam.Root). Each is
# named, removed, and fails the run.
traces() { { ls -d /tmp/ht-* /tmp/hit-* /dev/shm/hospes/* 2>/dev/null || true; ip netns list 2>/dev/null | awk '{print "netns " $1}'; } | sort; }
before=$(traces)
# The RAM folders of every hospesd still running once the run's own were ended (e.g. one the user runs, with a state dir
# of its own): not the run's, though one may appear during it. The folder's name is the first 16 hex digits of the
# SHA-256 of the state dir's full path (--state-dir, else /var/lib/hospes; relative to hospesd's working dir).
live_ram_roots() {
    local p i state full args
    for p in /proc/[0-9]*; do
        mapfile -d '' -t args 2>/dev/null <"$p/cmdline" || continue
        [[ " ${args[*]##*/} " =~ \ hospesd(\.dll)?\  ]] || continue
        state=/var/lib/hospes
        for ((i = 0; i < ${#args[@]}; i++)); do
            case "${args[i]}" in --state-dir) state=${args[i + 1]:-} ;; --state-dir=*) state=${args[i]#*=} ;; esac
        done
        [[ "$state" == /* ]] || state="$(readlink "$p/cwd" 2>/dev/null)/$state"
        # As .NET's Path.GetFullPath: . and .. resolved, symlinks not, a trailing slash kept.
        full=$(realpath -m -s "$state")
        [[ "$state" == */ && "$full" != / ]] && full+=/
        echo "/dev/shm/hospes/$(printf '%s' "$full" | sha256sum | cut -c1-16)"
    done
}
residue() {
    local found=0 t live
    live=$(live_ram_roots)
    while read -r t; do
        [ -n "$t" ] || continue
        if [[ "$t" == /dev/shm/hospes/* ]] && grep -qxF "$t" <<<"$live"; then
            before=$(printf '%s\n%s\n' "$before" "$t" | sort)
            continue
        fi
        echo "test.sh: $1 left $t behind" | tee -a "$logs/summary" >&2
        case "$t" in netns\ *) ip netns delete "${t#netns }" 2>/dev/null || true ;; *) rm -rf "$t" ;; esac
        found=1
    done < <(comm -13 <(echo "$before") <(traces))
    return $found
}

# Fast unit tests first, then the real guests. Every run reads nothing from this script's stdin, and has a limit of
# its own besides the per-test hang guard (a test host that never exits is killed too).
# tests/Shared holds source compiled into every test project; it is not a project itself.
for project in $(ls tests/*/*.Tests.csproj | grep -v Integration) tests/Hospes.Integration.Tests/Hospes.Integration.Tests.csproj; do
    name=$(basename "$project" .csproj)
    say "$name"
    limit=20m
    [[ "$project" == *Integration* ]] && limit=50m
    # A test that hangs is killed after 10 minutes and named (the longest, a migration round trip, takes about 2):
    # a hang must be a failure that says where, never a CI run that times out with nothing to show.
    # No pipe here (a tee would wait for any process a test left holding it): the failed tests are read from the
    # run's trx file afterwards.
    timeout --kill-after=30s "$limit" dotnet test "$project" -c Release --no-build --nologo --logger "console;verbosity=normal" \
        --logger "trx;LogFileName=$name.trx" --results-directory "$logs" \
        --blame-hang-timeout 10m --blame-hang-dump-type none </dev/null \
        || { rc=$?; echo "test.sh: $name failed (exit $rc; 124 = over its $limit)" | tee -a "$logs/summary" >&2; status=1; }
    leftovers "$name" || status=1
    residue "$name" || status=1
    if [ -f "$logs/$name.trx" ]; then
        grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$logs/$name.trx" | grep -o 'testName="[^"]*"' \
            | sed "s/^testName=\"\(.*\)\"$/test.sh: $name: failed: \1/" >>"$logs/summary" || true
    fi
done
# The end of the output is what a CI shows first: name there every failure of the whole run, whatever came before.
say "summary"
if [ "$status" -eq 0 ]; then
    echo "test.sh: every test passed"
else
    echo "test.sh: FAILED:"
    cat "$logs/summary"
fi
exit $status
