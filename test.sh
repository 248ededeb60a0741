#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit tests and the integration tests that boot
# real guests under QEMU (TCG). A test whose tool is missing fails; none is skipped.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
status=0
for project in tests/*/; do
    name=$(basename "$project")
    printf '\033[1m==> %s\033[0m\n' "$name" >&2
    dotnet test "$project" -c Release --nologo --logger "console;verbosity=normal" || status=1
done
exit $status
